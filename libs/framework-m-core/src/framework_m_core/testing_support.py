"""``in_memory_kernel``: a Kernel wired to the in-memory adapters, for tests, examples and notebooks."""

from __future__ import annotations

from collections.abc import Iterable

from ._kernel.kernel import Kernel
from .app import App
from .builtin import app as core_app
from .memory import (
    MemoryCache,
    MemoryEventBus,
    MemoryJobQueue,
    MemoryNamingCounter,
    MemoryPersistence,
)
from .memory.clock import SystemClock
from .memory.id_generator import UUID7Generator
from .permissions import RolePermissionPolicy
from .ports import Clock, IdGenerator
from .registry import MetaRegistry


async def in_memory_kernel(
    apps: Iterable[App],
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
) -> Kernel:
    """Build a Kernel over fresh in-memory storage for ``apps`` (the built-in ``core`` app comes first)
    and create their storage."""
    registry = MetaRegistry([core_app, *apps])
    persistence = MemoryPersistence()
    clock = clock or SystemClock()
    kernel = Kernel(
        registry,
        repository=persistence.repository,
        unit_of_work=persistence.unit_of_work,
        schema_manager=persistence.schema_manager,
        naming_counter=MemoryNamingCounter(),
        outbox=persistence.outbox,
        event_bus=MemoryEventBus(),
        permission=RolePermissionPolicy(),
        clock=clock,
        id_generator=ids or UUID7Generator(),
        cache=MemoryCache(clock),
        job_queue=MemoryJobQueue(),
    )
    await kernel.sync_schema()
    return kernel
