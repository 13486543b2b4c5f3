"""The ``m`` command line (``framework_m_standard.cli:main``)."""

from .app import COMMANDS_GROUP, add_plugin_commands, build_app, main, version_text, versions

__all__ = ["COMMANDS_GROUP", "add_plugin_commands", "build_app", "main", "version_text", "versions"]
