"""Core's built-in in-memory adapters, the ``memory`` choice for every port.

They are wired in code, not through entry points, so they never compete with installed adapters: they
win only when configured (``[adapters] repository = "memory"``) or when nothing else is installed. The
persistence adapters share one MemoryStore per composition, as a real database is shared by the SQL
adapters, so a transaction opened by the UnitOfWork sees what the Repository and Outbox write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..memory import (
    MemoryCache,
    MemoryEventBus,
    MemoryJobQueue,
    MemoryNamingCounter,
    MemoryPersistence,
    SystemClock,
    UUID7Generator,
)
from ..permissions import RolePermissionPolicy

if TYPE_CHECKING:
    from .selection import AdapterEnv

MEMORY = "memory"
CORE_DISTRIBUTION = "framework-m-core"
_PERSISTENCE_KEY = "framework_m_core.memory.persistence"


def _persistence(env: AdapterEnv) -> MemoryPersistence:
    return env.shared(_PERSISTENCE_KEY, MemoryPersistence)


BUILTIN_FACTORIES: dict[str, Callable[[AdapterEnv], Any]] = {
    "repository": lambda env: _persistence(env).repository,
    "unit_of_work": lambda env: _persistence(env).unit_of_work,
    "schema_manager": lambda env: _persistence(env).schema_manager,
    "outbox": lambda env: _persistence(env).outbox,
    "naming_counter": lambda env: MemoryNamingCounter(),
    "event_bus": lambda env: MemoryEventBus(),
    "cache": lambda env: MemoryCache(),
    "job_queue": lambda env: MemoryJobQueue(),
    "permission": lambda env: RolePermissionPolicy(),
    "clock": lambda env: SystemClock(),
    "id_generator": lambda env: UUID7Generator(),
}
