"""pytest plugin of the conformance kit (loaded through the ``pytest11`` entry point).

It stays import-light: nothing here needs hypothesis or anyio until a kit test actually runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from .._kernel.kernel import Kernel
from ..builtin import app as core_app
from ..context import ADMIN_ROLE, CallerContext
from ..memory.clock import FrozenClock
from ..memory.id_generator import SequentialIdGenerator
from ..registry import MetaRegistry
from .adapters import AdapterProvider, AdapterSet
from .doctypes import kit_app
from .kernel import build_kernel


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "framework_m_requires(*capabilities): conformance test needing adapter capabilities",
    )
    # Registered now, after every entry-point plugin, so this default beats anyio's own parametrized
    # ``anyio_backend`` (which would also run the kit on trio); a conftest fixture still overrides it.
    if not config.pluginmanager.has_plugin("framework_m_conformance_backend"):
        config.pluginmanager.register(_BackendDefault(), "framework_m_conformance_backend")


@dataclass
class KitEnv:
    """A Kernel over one fresh adapter set, with the kit DocTypes' storage created."""

    kernel: Kernel
    adapters: AdapterSet
    registry: MetaRegistry
    clock: FrozenClock
    admin: CallerContext
    user: CallerContext


def kit_registry() -> MetaRegistry:
    return MetaRegistry([core_app, kit_app])


def kit_kernel(adapters: AdapterSet, registry: MetaRegistry, clock: FrozenClock) -> Kernel:
    """The kit's Kernel: frozen time and sequential ids, so every run sees the same documents."""
    return build_kernel(registry, adapters, clock=clock, ids=SequentialIdGenerator())


async def open_kit(provider: AdapterProvider) -> AsyncIterator[KitEnv]:
    """Open a set from ``provider``, create the kit's storage and build a Kernel on it."""
    async with provider.open() as adapters:
        registry = kit_registry()
        clock = FrozenClock(
            datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC), tick=timedelta(milliseconds=1)
        )
        kernel = kit_kernel(adapters, registry, clock)
        await kernel.sync_schema()
        yield KitEnv(
            kernel=kernel,
            adapters=adapters,
            registry=registry,
            clock=clock,
            admin=CallerContext.for_user("kit-admin@example.com", ADMIN_ROLE),
            user=CallerContext.for_user("kit-user@example.com", "Kit User"),
        )


class _BackendDefault:
    @pytest.fixture
    def anyio_backend(self) -> str:
        """Kit tests run on asyncio unless the adapter package overrides this fixture."""
        return "asyncio"


@pytest.fixture(autouse=True)
def _framework_m_capability_gate(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("framework_m_requires")
    if marker is None:
        return
    provider: AdapterProvider = request.getfixturevalue("framework_m_adapters")
    for name in marker.args:
        if not provider.capabilities.has(name):
            reason = provider.capabilities.missing[name]
            pytest.skip(f"adapter lacks capability {name!r}: {reason}")


@pytest.fixture
async def kit(framework_m_adapters: AdapterProvider) -> AsyncIterator[KitEnv]:
    """A Kernel over a fresh set from the adapter package's ``framework_m_adapters`` provider."""
    async for env in open_kit(framework_m_adapters):
        yield env
