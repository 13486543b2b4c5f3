"""``in_memory_kernel``: a Kernel wired to the in-memory adapters, for tests, examples and notebooks."""

from __future__ import annotations

from collections.abc import Iterable

from ._kernel.kernel import Kernel
from .app import App
from .builtin import app as core_app
from .memory import MemoryJobQueue
from .memory.clock import SystemClock
from .ports import Clock, IdGenerator
from .registry import MetaRegistry
from .testing.adapters import memory_adapter_set
from .testing.kernel import build_kernel


async def in_memory_kernel(
    apps: Iterable[App],
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
) -> Kernel:
    """Build a Kernel over fresh in-memory storage for ``apps`` (the built-in ``core`` app comes first)
    and create their storage. ``clock`` (the system clock unless given) also drives cache expiry."""
    registry = MetaRegistry([core_app, *apps])
    clock = clock or SystemClock()
    kernel = build_kernel(
        registry, memory_adapter_set(clock), clock=clock, ids=ids, job_queue=MemoryJobQueue()
    )
    await kernel.sync_schema()
    return kernel
