"""The project Studio works on: its root, the installed apps and where their sources are.

Apps are found through the ``framework_m.apps`` entry points, and their packages located with
``importlib.util.find_spec`` on the top-level package only — an app's modules are read as text, never
imported, so Studio works on code that does not import (yet). Only apps whose sources lie inside the
project root are editable; everything Studio writes is checked to stay inside it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from framework_m_core.composition.settings import CONFIG_FILE
from framework_m_core.errors import ConfigurationError, Conflict, PermissionDenied

APPS_GROUP = "framework_m.apps"
_SKIPPED_DIRS = {"__pycache__", "tests", "migrations", "node_modules", ".venv", "static"}


def find_root(start: Path | None = None) -> Path:
    """The nearest directory upward holding framework_config.toml, else ``start`` itself."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / CONFIG_FILE).is_file():
            return directory
    return here


@dataclass(frozen=True)
class AppSource:
    """An installed app and where its code lives. ``app_module``/``app_attr`` name its ``App``."""

    name: str
    package: str
    app_module: str
    app_attr: str
    directory: Path
    editable: bool

    @property
    def app_file(self) -> Path:
        parts = self.app_module.split(".")[1:]
        base = self.directory.joinpath(*parts)
        package_init = base / "__init__.py"
        return package_init if package_init.is_file() else base.with_suffix(".py")

    @property
    def distribution_root(self) -> Path | None:
        """The directory holding the app's pyproject.toml (its tests live there)."""
        for directory in self.directory.parents:
            if (directory / "pyproject.toml").is_file():
                return directory
            if directory == directory.parent:
                break
        return None

    def module_of(self, path: Path) -> str:
        """``crm/sales_invoice.py`` → ``crm.sales_invoice``."""
        relative = path.resolve().relative_to(self.directory.resolve()).with_suffix("")
        parts = [p for p in relative.parts if p != "__init__"]
        return ".".join([self.package, *parts])

    def python_files(self) -> Iterator[Path]:
        for dirpath, dirnames, filenames in os.walk(self.directory):
            dirnames[:] = sorted(
                d for d in dirnames if d not in _SKIPPED_DIRS and not d.startswith(".")
            )
            for filename in sorted(filenames):
                if filename.endswith(".py"):
                    yield Path(dirpath) / filename


def _package_directory(package: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


class Project:
    """A project root and the apps installed in the environment Studio runs in."""

    def __init__(
        self, root: Path, entry_points: Iterable[importlib.metadata.EntryPoint] | None = None
    ) -> None:
        self.root = root.resolve()
        if not self.root.is_dir():
            raise ConfigurationError(f"project directory {root} does not exist")
        self._entry_points = entry_points

    def apps(self) -> list[AppSource]:
        """Every installed app whose package can be located, editable ones first."""
        eps = self._entry_points
        if eps is None:
            eps = importlib.metadata.entry_points(group=APPS_GROUP)
        found: dict[str, AppSource] = {}
        for ep in sorted(eps, key=lambda e: e.name):
            module, _, attr = ep.value.partition(":")
            package = module.split(".", 1)[0]
            directory = _package_directory(package)
            if directory is None or ep.name in found:
                continue
            found[ep.name] = AppSource(
                name=ep.name,
                package=package,
                app_module=module,
                app_attr=attr or "app",
                directory=directory,
                editable=directory.is_relative_to(self.root),
            )
        return sorted(found.values(), key=lambda a: (not a.editable, a.name))

    def app(self, name: str) -> AppSource:
        for app in self.apps():
            if app.name == name:
                return app
        known = ", ".join(a.name for a in self.apps()) or "none"
        raise ConfigurationError(f"there is no installed app {name!r} (installed: {known})")

    def inside(self, path: Path) -> Path:
        """``path`` resolved, refused unless it lies inside the project root (no ``..``, no symlink
        pointing out)."""
        resolved = (self.root / path).resolve() if not path.is_absolute() else path.resolve()
        if not resolved.is_relative_to(self.root):
            raise PermissionDenied(f"{path} is outside the project directory {self.root}")
        return resolved

    def editable_file(self, app: AppSource, path: Path) -> Path:
        """A file Studio may write: inside the project and inside the app's package."""
        if not app.editable:
            raise PermissionDenied(
                f"app {app.name!r} is installed from {app.directory}, outside the project; "
                "Studio edits only apps whose sources are in the project"
            )
        resolved = self.inside(path)
        if not resolved.is_relative_to(app.directory):
            raise PermissionDenied(f"{path} is outside the package of app {app.name!r}")
        return resolved


def relative_module(module: str, from_module: str | None) -> str:
    """``crm.invoice_item`` as imported from ``crm.app``: ``.invoice_item``."""
    if from_module is None:
        return module
    here = from_module.split(".")[:-1]
    target = module.split(".")
    if target[: len(here)] == here and here:
        return "." + ".".join(target[len(here) :])
    return module


def replace_file(path: Path, text: str, *, new: bool = False) -> None:
    """Replace ``path`` atomically (a reader sees the old file or the new one, never half)."""
    if new and path.exists():
        raise Conflict(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
