"""Start-up steps: ordered, named work (sync the schema, start the relay…) contributed by packages.

A package registers a step under the entry-point group ``framework_m.bootstrap``::

    [project.entry-points."framework_m.bootstrap"]
    sync_schema = "framework_mx_mongo.bootstrap:SyncSchema"

Steps run in ``(order, name)`` order. A step with ``overrides = True`` replaces the installed step of the
same name — how a variant swaps one piece of start-up without forking the rest — and configuration can
switch a step off by name (``bootstrap_disabled``).
"""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast, runtime_checkable

from ..errors import ConfigurationError
from .settings import CONFIG_FILE, Settings

BOOTSTRAP_GROUP = "framework_m.bootstrap"


@runtime_checkable
class BootstrapStep(Protocol):
    """One start-up step. ``runtime`` is the application being started (its Kernel, container, …)."""

    name: str
    order: int

    async def run(self, runtime: Any) -> None: ...


@dataclass(frozen=True)
class LoadedStep:
    """A step and the entry point (distribution) it came from, for messages and ``m info``."""

    step: BootstrapStep
    source: str

    @property
    def name(self) -> str:
        return self.step.name

    @property
    def order(self) -> int:
        return self.step.order

    @property
    def overrides(self) -> bool:
        return getattr(self.step, "overrides", False) is True


def _source(ep: importlib.metadata.EntryPoint) -> str:
    if ep.dist is not None:
        return f"{ep.name} = {ep.value!r} ({ep.dist.name} {ep.dist.version})"
    return f"{ep.name} = {ep.value!r}"


def _load(ep: importlib.metadata.EntryPoint) -> LoadedStep:
    source = _source(ep)
    try:
        obj = ep.load()
        step = obj() if inspect.isclass(obj) else obj
    except Exception as exc:
        raise ConfigurationError(
            f"cannot load bootstrap step {source}: {type(exc).__name__}: {exc}"
        ) from exc
    name, order = getattr(step, "name", None), getattr(step, "order", None)
    if not isinstance(name, str) or not name:
        raise ConfigurationError(f"bootstrap step {source} has no 'name' string")
    if not isinstance(order, int) or isinstance(order, bool):
        raise ConfigurationError(f"bootstrap step {source} has no integer 'order'")
    if not inspect.iscoroutinefunction(getattr(step, "run", None)):
        raise ConfigurationError(f"bootstrap step {source} needs 'async def run(self, runtime)'")
    return LoadedStep(cast(BootstrapStep, step), source)


def resolve_steps(steps: Iterable[LoadedStep], disabled: Sequence[str] = ()) -> list[LoadedStep]:
    """Apply overrides and ``disabled``, then sort by ``(order, name)``.

    Raises ``ConfigurationError`` for two steps of one name where neither overrides, for two overriders
    of one name, and for a disabled name that no installed step has (a typo would silently do nothing).
    """
    by_name: dict[str, list[LoadedStep]] = {}
    for step in steps:
        by_name.setdefault(step.name, []).append(step)
    unknown = sorted(set(disabled) - set(by_name))
    if unknown:
        raise ConfigurationError(
            f"bootstrap_disabled names unknown step(s) {', '.join(unknown)}; "
            f"installed steps: {', '.join(sorted(by_name)) or 'none'}"
        )
    chosen: list[LoadedStep] = []
    for name, group in by_name.items():
        overriders = [s for s in group if s.overrides]
        originals = [s for s in group if not s.overrides]
        if len(overriders) > 1:
            raise ConfigurationError(
                f"bootstrap step {name!r} is overridden twice: by {overriders[0].source} and by "
                f"{overriders[1].source}; uninstall one or disable the step with "
                f'bootstrap_disabled = ["{name}"] in {CONFIG_FILE}'
            )
        if len(originals) > 1 and not overriders:
            raise ConfigurationError(
                f"two bootstrap steps are named {name!r}: {originals[0].source} and "
                f"{originals[1].source}; one of them must set 'overrides = True' to replace the other"
            )
        if name not in disabled:
            chosen.append(overriders[0] if overriders else originals[0])
    return sorted(chosen, key=lambda s: (s.order, s.name))


def collect_steps(
    settings: Settings | None = None,
    entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
) -> list[LoadedStep]:
    """The start-up steps to run, from the installed ``framework_m.bootstrap`` entry points (or
    ``entry_points``, for tests), in the order ``run_bootstrap`` runs them."""
    if entry_points is None:
        entry_points = importlib.metadata.entry_points(group=BOOTSTRAP_GROUP)
    loaded = [_load(ep) for ep in entry_points if ep.group == BOOTSTRAP_GROUP]
    return resolve_steps(loaded, settings.bootstrap_disabled if settings else ())


async def run_bootstrap(steps: Iterable[LoadedStep], runtime: Any) -> None:
    """Run ``steps`` one after another; an exception stops start-up and is annotated with the step."""
    for loaded in steps:
        try:
            await loaded.step.run(runtime)
        except Exception as exc:
            exc.add_note(f"in bootstrap step {loaded.name!r} ({loaded.source})")
            raise
