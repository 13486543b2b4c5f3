"""``m new adapter PORT NAME``: an installable adapter package that passes the conformance kit.

What gets scaffolded is decided by what the kit can prove. The Repository, UnitOfWork, SchemaManager
and Outbox share one transaction (an outbox event is written in the same transaction as its document),
so none of them can be swapped alone: asking for any of them scaffolds the whole persistence family,
NamingCounter included, over one store, and the package runs the whole kit. A cache, an event bus or
a naming counter stands alone: the package fills that port, the kit's tests for it run against it,
and core's in-memory reference adapters fill the persistence ports the kit's Kernel needs. Ports the
kit does not cover yet (job queue, permission, clock, id generator) are refused rather than given a
scaffold that nothing checks.

Every file is rendered in memory first, then written to a staging directory that is renamed into
place, so bad input, a taken directory or a failed write leave nothing behind.
"""

from __future__ import annotations

import importlib.metadata
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated

from cyclopts import Parameter

from framework_m_core.composition import PORTS
from framework_m_core.errors import FrameworkError, ValidationError

from .names import PackageNames, package_names

CORE_DISTRIBUTION = "framework-m-core"


@dataclass(frozen=True)
class Setting:
    """The one example setting a generated ``config.py`` declares (an int above zero)."""

    name: str
    default: str
    example: str
    doc: str


@dataclass(frozen=True)
class PortFamily:
    """Ports scaffolded together, the package modules that implement them, the kit modules that
    test them (none named: the whole suite) and the setting its ``config.py`` shows, if any."""

    key: str
    ports: tuple[str, ...]
    modules: tuple[str, ...]
    kit_modules: tuple[str, ...]
    provides: str
    summary: str
    setting: Setting | None = None

    @property
    def missing(self) -> dict[str, str]:
        """Kit capabilities outside this family, which its provider declares missing."""
        return {
            capability: f"provides {self.provides} only"
            for capability in ("event_bus", "cache")
            if capability not in self.ports
        }


PERSISTENCE = PortFamily(
    key="persistence",
    ports=("repository", "unit_of_work", "schema_manager", "naming_counter", "outbox"),
    modules=("store", "unit_of_work", "repository", "schema_manager", "outbox", "naming_counter"),
    kit_modules=(),
    provides="the persistence ports",
    summary="adapters of the persistence ports for Framework M",
)
FAMILIES: dict[str, PortFamily] = {
    "persistence": PERSISTENCE,
    "naming_counter": PortFamily(
        key="naming_counter",
        ports=("naming_counter",),
        modules=("naming_counter",),
        kit_modules=("test_naming",),
        provides="a naming counter",
        summary="a naming counter for Framework M",
    ),
    "cache": PortFamily(
        key="cache",
        ports=("cache",),
        modules=("config", "cache"),
        kit_modules=("test_cache",),
        provides="a cache",
        summary="a cache adapter for Framework M",
        setting=Setting(
            "max_entries",
            "10_000",
            "50000",
            "How many values are kept; the least recently used go.",
        ),
    ),
    "event_bus": PortFamily(
        key="event_bus",
        ports=("event_bus",),
        modules=("config", "event_bus"),
        kit_modules=("test_event_bus", "test_outbox"),
        provides="an event bus",
        summary="an event bus adapter for Framework M",
        setting=Setting(
            "dedupe_window",
            "10_000",
            "50000",
            "How many recent event ids are kept to drop repeats.",
        ),
    ),
}
_FAMILY_OF_PORT = {"repository", "unit_of_work", "schema_manager", "outbox"}


def family_of(port: str) -> PortFamily:
    """The family scaffolded for ``port``; ``ValidationError`` for an unknown port or one the
    conformance kit does not test."""
    if port not in PORTS:
        raise ValidationError(f"unknown port {port!r}; the ports are: {', '.join(PORTS)}")
    if port in _FAMILY_OF_PORT:
        return PERSISTENCE
    family = FAMILIES.get(port)
    if family is None:
        covered = [p for p in PORTS if p in _FAMILY_OF_PORT or p in FAMILIES]
        raise ValidationError(
            f"the conformance kit has no tests for the {port} port yet, so a scaffold could not "
            f"prove itself; m new adapter scaffolds: {', '.join(covered)}"
        )
    return family


@dataclass(frozen=True)
class AdapterScaffold:
    """A package ready to be written: where, what it is, and every file's text by relative path."""

    directory: Path
    names: PackageNames
    family: PortFamily
    files: dict[PurePosixPath, str] = field(default_factory=dict)


def core_specifier(version: str) -> str:
    """``>=0.1.0,<0.2`` for framework-m-core 0.1.0: the release series whose ports this package was
    generated (and kit-tested) against; before 1.0 a minor release may change a port."""
    match = re.match(r"(\d+)\.(\d+)", version)
    if match is None:
        raise FrameworkError(f"cannot read the version of {CORE_DISTRIBUTION}: {version!r}")
    major, minor = int(match[1]), int(match[2])
    upper = f"{major}.{minor + 1}" if major == 0 else str(major + 1)
    return f">={version},<{upper}"


def _with_suffix(prefix: str, suffix: str) -> str:
    return prefix if prefix.endswith(suffix) else prefix + suffix


def class_names(names: PackageNames) -> dict[str, str]:
    """Class names of the generated code, by role (``AcmeCache``, not ``AcmeCacheCache``)."""
    prefix = names.prefix
    return {
        "store": _with_suffix(prefix, "Store"),
        "transaction": _with_suffix(prefix, "Transaction"),
        "repository": _with_suffix(prefix, "Repository"),
        "unit_of_work": _with_suffix(prefix, "UnitOfWork"),
        "schema_manager": _with_suffix(prefix, "SchemaManager"),
        "outbox": _with_suffix(prefix, "Outbox"),
        "naming_counter": _with_suffix(prefix, "NamingCounter"),
        "cache": _with_suffix(prefix, "Cache"),
        "event_bus": prefix if prefix.endswith("Bus") else prefix + "EventBus",
        "config": _with_suffix(prefix, "Config"),
        "provider": _with_suffix(prefix, "Provider"),
    }


def check_target(directory: Path) -> None:
    """``ValidationError`` unless ``directory`` is absent or an empty directory."""
    if not directory.exists():
        return
    if not directory.is_dir():
        raise ValidationError(f"{directory} exists and is not a directory")
    try:
        taken = any(directory.iterdir())
    except OSError as exc:
        raise ValidationError(f"cannot read directory {directory}: {exc.strerror or exc}") from exc
    if taken:
        raise ValidationError(
            f"directory {directory} is not empty; choose another one with --directory"
        )


def plan_adapter(port: str, name: str, directory: Path | None = None) -> AdapterScaffold:
    """Check the input and render every file of the package; nothing is written.

    Raises ``ValidationError`` for an unknown or untested port, a bad package name, or a target
    directory that exists and is not empty.
    """
    from ..generate import render_template  # jinja2 loads only when a scaffold is made, not for m

    family = family_of(port)
    names = package_names(name)
    target = (directory if directory is not None else Path(names.distribution)).absolute()
    check_target(target)
    context = {
        "names": names,
        "family": family,
        "setting": family.setting,
        "cls": class_names(names),
        "core": core_specifier(importlib.metadata.version(CORE_DISTRIBUTION)),
        "port_list": ", ".join(f"`{port}`" for port in family.ports),
        "kit_list": ", ".join(f"`{module}`" for module in family.kit_modules),
    }
    source = PurePosixPath("src", names.package)
    files = {
        PurePosixPath("pyproject.toml"): render_template("adapter/pyproject.toml.j2", **context),
        PurePosixPath("README.md"): render_template("adapter/README.md.j2", **context),
        PurePosixPath(".gitignore"): render_template("adapter/gitignore.j2", **context),
        source / "__init__.py": render_template("adapter/src/__init__.py.j2", **context),
        source / "py.typed": "",
        source / "adapters.py": render_template("adapter/src/adapters.py.j2", **context),
        source / "testing.py": render_template("adapter/src/testing.py.j2", **context),
    }
    for module in family.modules:
        files[source / f"{module}.py"] = render_template(f"adapter/src/{module}.py.j2", **context)
    for test in ("test_conformance", "test_registration"):
        files[PurePosixPath("tests", f"{test}.py")] = render_template(
            f"adapter/tests/{test}.py.j2", **context
        )
    return AdapterScaffold(target, names, family, files)


def write_scaffold(scaffold: AdapterScaffold) -> None:
    """Write the files into a staging directory beside the target, then rename it into place.

    Raises ``ValidationError`` if the target was taken meanwhile and ``FrameworkError`` when the
    filesystem refuses; either way no part of the package is left behind.
    """
    target = scaffold.directory
    check_target(target)
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        for relative, text in scaffold.files.items():
            path = staging.joinpath(*relative.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise FrameworkError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def adapter(
    port: str,
    name: str,
    *,
    directory: Annotated[Path | None, Parameter(name="--directory")] = None,
) -> int:
    """Scaffold an installable adapter package for PORT that passes the conformance kit.

    A persistence port (repository, unit_of_work, schema_manager, outbox) scaffolds the whole
    persistence family, because those ports share one transaction; cache, event_bus and
    naming_counter are scaffolded alone.

    Parameters
    ----------
    port
        The port to fill, e.g. cache or repository.
    name
        The package's distribution name, e.g. acme-cache (imported as acme_cache).
    directory
        Where to create the package (default: ./NAME); it must not exist or be empty.
    """
    scaffold = plan_adapter(port, name, directory)
    write_scaffold(scaffold)
    names, where = scaffold.names, _shown(scaffold.directory)
    ports = ", ".join(scaffold.family.ports)
    print(f"created {where}: adapter {names.adapter!r} for {ports} (import {names.package})")
    print(f"next: cd {where} && uv sync && uv run pytest")
    return 0
