"""In-memory Outbox: events live in the MemoryStore and roll back with the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from ..events import DomainEvent
from ..types import Transaction
from .store import MemoryStore, StoredEvent, as_memory_tx


class MemoryOutbox:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    async def append(self, tx: Transaction, events: Sequence[DomainEvent]) -> None:
        as_memory_tx(tx).add_events([StoredEvent(e) for e in events])

    async def pending(self, limit: int = 100) -> list[DomainEvent]:
        return [s.event for s in self.store.outbox if s.committed and not s.published][:limit]

    async def mark_published(self, event_ids: Sequence[UUID]) -> None:
        wanted = set(event_ids)
        for stored in self.store.outbox:
            if stored.event.id in wanted:
                stored.published = True
