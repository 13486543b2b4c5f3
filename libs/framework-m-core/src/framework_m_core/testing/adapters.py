"""What an adapter package hands to the kit: a provider of fresh adapter sets and its capabilities."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..memory import MemoryCache, MemoryEventBus, MemoryNamingCounter, MemoryPersistence
from ..ports import (
    Cache,
    Clock,
    EventBus,
    NamingCounter,
    Outbox,
    Repository,
    SchemaManager,
    UnitOfWork,
)

if TYPE_CHECKING:
    import pytest

CAPABILITIES: Mapping[str, str] = {
    "transactions": "a failed operation leaves nothing behind (repository and outbox roll back together)",
    "concurrent_naming": "the naming counter stays unique under many concurrent callers",
    "unique_together": "Meta.unique_together is enforced by the store",
    "hard_delete": "records can be removed for good",
    "large_values": "text fields of several megabytes round-trip",
    "microsecond_datetimes": "datetimes keep their microseconds (the other kit tests use milliseconds)",
    "event_bus": "the set includes an EventBus to check",
    "cache": "the set includes a Cache to check",
}


@dataclass(frozen=True)
class Capabilities:
    """Everything an adapter may lack, baseline on. ``missing`` maps a capability to the reason it is
    absent; the kit skips tests that need it, printing that reason."""

    missing: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.missing) - set(CAPABILITIES)
        if unknown:
            raise ValueError(
                f"unknown capabilities {sorted(unknown)}; known: {sorted(CAPABILITIES)}"
            )
        empty = [name for name, reason in self.missing.items() if not reason.strip()]
        if empty:
            raise ValueError(f"capabilities {empty} are declared missing without a reason")

    def has(self, name: str) -> bool:
        if name not in CAPABILITIES:
            raise ValueError(f"unknown capability {name!r}")
        return name not in self.missing


@dataclass
class AdapterSet:
    """One isolated set of adapters over empty storage. Persistence ports are required; ``event_bus`` and
    ``cache`` are checked when given (their absence is a declared, visible skip)."""

    repository: Repository
    unit_of_work: UnitOfWork
    schema_manager: SchemaManager
    naming_counter: NamingCounter
    outbox: Outbox
    event_bus: EventBus | None = None
    cache: Cache | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class AdapterProvider(Protocol):
    """Opens fresh, isolated adapter sets (each over empty storage) and cleans them up on exit."""

    capabilities: Capabilities

    def open(self) -> AbstractAsyncContextManager[AdapterSet]: ...


class MemoryProvider:
    """The in-memory reference adapters as a provider (also the kit's differential oracle)."""

    capabilities = Capabilities()

    @asynccontextmanager
    async def open(self) -> AsyncIterator[AdapterSet]:
        yield memory_adapter_set()


def memory_adapter_set(clock: Clock | None = None) -> AdapterSet:
    """A fresh set of the in-memory adapters over one empty store, with an event bus and a cache whose
    expiry follows ``clock`` (the system clock unless given)."""
    persistence = MemoryPersistence()
    return AdapterSet(
        repository=persistence.repository,
        unit_of_work=persistence.unit_of_work,
        schema_manager=persistence.schema_manager,
        naming_counter=MemoryNamingCounter(),
        outbox=persistence.outbox,
        event_bus=MemoryEventBus(),
        cache=MemoryCache(clock),
    )


def requires(*capabilities: str) -> pytest.MarkDecorator:
    """Mark a kit test as needing capabilities; unknown names fail at collection."""
    import pytest

    for name in capabilities:
        if name not in CAPABILITIES:
            raise ValueError(f"unknown capability {name!r}")
    return pytest.mark.framework_m_requires(*capabilities)
