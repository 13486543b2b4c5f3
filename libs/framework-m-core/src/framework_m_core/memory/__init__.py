"""In-memory implementations of every port: the reference semantics, for tests and development."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cache import MemoryCache
from .clock import FrozenClock, SystemClock
from .event_bus import MemoryEventBus
from .id_generator import SequentialIdGenerator, UUID7Generator
from .job_queue import MemoryJobQueue
from .naming_counter import MemoryNamingCounter
from .outbox import MemoryOutbox
from .repository import MemoryRepository
from .schema_manager import MemorySchemaManager
from .store import MemoryStore, MemoryUnitOfWork


@dataclass
class MemoryPersistence:
    """The in-memory Repository, UnitOfWork, SchemaManager and Outbox over one shared store."""

    store: MemoryStore = field(default_factory=MemoryStore)

    def __post_init__(self) -> None:
        self.repository = MemoryRepository()
        self.unit_of_work = MemoryUnitOfWork(self.store)
        self.schema_manager = MemorySchemaManager(self.store)
        self.outbox = MemoryOutbox(self.store)


__all__ = [
    "FrozenClock",
    "MemoryCache",
    "MemoryEventBus",
    "MemoryJobQueue",
    "MemoryNamingCounter",
    "MemoryOutbox",
    "MemoryPersistence",
    "MemoryRepository",
    "MemorySchemaManager",
    "MemoryStore",
    "MemoryUnitOfWork",
    "SequentialIdGenerator",
    "SystemClock",
    "UUID7Generator",
]
