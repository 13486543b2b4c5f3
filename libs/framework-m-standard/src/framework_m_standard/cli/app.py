"""The ``m`` command: a cyclopts App whose subcommands all arrive through entry points.

Our own commands (``info``…) register under ``framework_m.cli_commands`` exactly like a third-party
package's, so a plugin command is a first-class citizen — and a broken one is reported and skipped
instead of taking the whole CLI down.

Exit codes: 0 success, 1 a Framework M error (configuration, adapter…), 2 bad arguments. Errors are one
line on stderr, ``error: …``; a FrameworkError never prints a traceback.
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from cyclopts import App, CycloptsError

from framework_m_core.errors import FrameworkError

COMMANDS_GROUP = "framework_m.cli_commands"
_DISTRIBUTIONS = ("framework-m-standard", "framework-m-core")


def versions() -> dict[str, str]:
    """Installed versions of the Framework M distributions this CLI runs on."""
    found: dict[str, str] = {}
    for distribution in ("framework-m", *_DISTRIBUTIONS):
        try:
            found[distribution] = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def version_text() -> str:
    """``framework-m-standard 0.1.0 (framework-m-core 0.1.0)`` — what ``m --version`` prints."""
    found = versions()
    head = f"framework-m-standard {found.get('framework-m-standard', 'unknown')}"
    rest = [
        f"{name} {version}" for name, version in found.items() if name != "framework-m-standard"
    ]
    return f"{head} ({', '.join(rest)})" if rest else head


def _origin(ep: importlib.metadata.EntryPoint) -> str:
    return f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else ep.value


def add_plugin_commands(
    app: App,
    entry_points: Iterable[importlib.metadata.EntryPoint],
    warnings: TextIO,
) -> list[str]:
    """Register every loadable command; report the others on ``warnings`` and return their names.

    An entry point's name is the command name; its object is a cyclopts App or a plain function.
    """
    skipped: list[str] = []
    for ep in sorted(entry_points, key=lambda e: e.name):
        try:
            command = ep.load()
            if not isinstance(command, App) and not callable(command):
                raise TypeError(f"{ep.value} is neither a cyclopts App nor a function")
            app.command(command, name=ep.name)
        except Exception as exc:
            skipped.append(ep.name)
            detail = " ".join(str(exc).split())
            print(
                f"warning: command {ep.name!r} from {_origin(ep)} is unavailable: "
                f"{type(exc).__name__}: {detail}",
                file=warnings,
            )
    return skipped


def build_app(
    entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
    warnings: TextIO | None = None,
) -> App:
    """The ``m`` App with the commands from ``framework_m.cli_commands`` (or ``entry_points``)."""
    app = App(
        name="m",
        help="Framework M: run, inspect and manage a Framework M application.",
        version=version_text,
        version_format="plaintext",
    )
    if entry_points is None:
        entry_points = importlib.metadata.entry_points(group=COMMANDS_GROUP)
    add_plugin_commands(app, entry_points, warnings or sys.stderr)
    return app


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``m`` console script; returns the process exit code."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    app = build_app()
    try:
        result = app(tokens, exit_on_error=False, print_error=False, result_action="return_value")
    except CycloptsError as exc:
        exc.verbose = False
        print(f"error: {_one_line(str(exc))} (see 'm --help')", file=sys.stderr)
        return 2
    except FrameworkError as exc:
        print(f"error: {_one_line(exc.message)}", file=sys.stderr)
        return 1
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return 0
