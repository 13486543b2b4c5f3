"""``start_runtime``: settings → apps → adapters → Kernel → start-up steps, in one call.

Every interface (the CLI, the web app, a worker, a test) starts the framework through this function, so
they all see the same apps, the same adapters and the same Kernel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint

from .._kernel.kernel import Kernel
from ..app import App
from ..builtin import app as core_app
from ..registry import MetaRegistry
from .bootstrap import LoadedStep, collect_steps, run_bootstrap
from .container import Container
from .selection import select_adapters
from .settings import Settings, load_settings


@dataclass
class Runtime:
    """A started application: what was configured, loaded, chosen and run."""

    settings: Settings
    registry: MetaRegistry
    container: Container
    kernel: Kernel
    steps: list[LoadedStep] = field(default_factory=list)

    async def aclose(self) -> None:
        """Shut down: release the adapters' shared resources (database engines, clients)."""
        await self.container.aclose()

    async def __aenter__(self) -> Runtime:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def start_runtime(
    settings: Settings | None = None,
    *,
    apps: Sequence[App] | None = None,
    registry: MetaRegistry | None = None,
    entry_points: Iterable[EntryPoint] | None = None,
) -> Runtime:
    """Build and start the application. ``apps`` replaces entry-point discovery (tests, scripts), and
    ``registry`` an already built one (the web app builds its routes from it first);
    ``entry_points`` replaces the installed adapter and bootstrap entry points (tests)."""
    settings = settings or load_settings()
    registry = registry or build_registry(settings, apps)
    eps = list(entry_points) if entry_points is not None else None
    container = select_adapters(settings, eps)
    kernel = Kernel(registry, **container.implementations())
    steps = collect_steps(settings, eps)
    runtime = Runtime(settings, registry, container, kernel, steps)
    try:
        await run_bootstrap(steps, runtime)
    except BaseException:
        await runtime.aclose()
        raise
    return runtime


def build_registry(settings: Settings, apps: Sequence[App] | None = None) -> MetaRegistry:
    """The registry of ``apps`` (after the built-in core app), else of the installed apps in the
    configured order."""
    if apps is not None:
        return MetaRegistry([core_app, *apps])
    return MetaRegistry.discover(settings.apps)


class SyncSchema:
    """Built-in start-up step: create storage for every DocType (safe changes only).

    A persistence package that manages its schema by migrations replaces it with a step of the same name
    and ``overrides = True``."""

    name = "sync_schema"
    order = 100

    async def run(self, runtime: Runtime) -> None:
        await runtime.kernel.sync_schema()
