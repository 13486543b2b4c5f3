"""Make a directory look like an environment with an app installed (a module plus a ``.dist-info``).

Entry-point discovery then finds the app exactly as it would a pip-installed one, without building or
installing anything: tests put the directory on ``sys.path`` or ``PYTHONPATH``.
"""

from __future__ import annotations

from pathlib import Path


def install_app(
    directory: Path, module: str, source: str, *, app_name: str, attribute: str = "app"
) -> None:
    """Write ``<module>.py`` holding ``source`` and register ``<module>:<attribute>`` as app ``app_name``
    under the ``framework_m.apps`` entry-point group."""
    (directory / f"{module}.py").write_text(source)
    dist = module.replace("_", "-")
    info = directory / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[framework_m.apps]\n{app_name} = {module}:{attribute}\n"
    )
