"""``build_kernel``: a Kernel over one adapter set, with the defaults every test harness wants.

It is the one place that turns an ``AdapterSet`` into a Kernel: ``in_memory_kernel``, the conformance kit
and adapter packages' own harnesses (the SQL package's ``open_kernel``) all build theirs here, so a new
Kernel port gets its test default once. It imports neither pytest nor hypothesis, so public helpers such
as ``in_memory_kernel`` can use it.
"""

from __future__ import annotations

from .._kernel.kernel import Kernel
from ..memory import MemoryEventBus, SystemClock, UUID7Generator
from ..permissions import RolePermissionPolicy
from ..ports import Clock, IdGenerator, JobQueue, Permission
from ..query import MAX_LIMIT
from ..registry import MetaRegistry
from .adapters import AdapterSet


def build_kernel(
    registry: MetaRegistry,
    adapters: AdapterSet,
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    permission: Permission | None = None,
    job_queue: JobQueue | None = None,
    max_limit: int = MAX_LIMIT,
) -> Kernel:
    """A Kernel for ``registry`` over ``adapters`` (its storage is not created: call
    ``kernel.sync_schema()`` for that).

    Whatever is not given gets its default: the set's event bus, else a fresh ``MemoryEventBus``; the
    set's cache (or none); ``RolePermissionPolicy``; ``SystemClock``; ``UUID7Generator``; no job
    queue."""
    return Kernel(
        registry,
        repository=adapters.repository,
        unit_of_work=adapters.unit_of_work,
        schema_manager=adapters.schema_manager,
        naming_counter=adapters.naming_counter,
        outbox=adapters.outbox,
        event_bus=adapters.event_bus or MemoryEventBus(),
        permission=permission or RolePermissionPolicy(),
        clock=clock or SystemClock(),
        id_generator=ids or UUID7Generator(),
        cache=adapters.cache,
        job_queue=job_queue,
        max_limit=max_limit,
    )
