"""The in-memory store shared by the in-memory Repository, Outbox and SchemaManager, and its transactions.

Transactions are serialized by one lock (so they are trivially serializable) and keep an undo log, so a
rollback restores exactly what was there before.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from ..errors import AdapterError
from ..events import DomainEvent
from ..types import Record, Transaction


@dataclass
class StoredEvent:
    event: DomainEvent
    published: bool = False
    committed: bool = False


@dataclass
class MemoryStore:
    tables: dict[str, dict[UUID, Record]] = field(default_factory=dict)
    deleted: dict[str, dict[UUID, datetime]] = field(default_factory=dict)
    outbox: list[StoredEvent] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class MemoryTransaction:
    """A transaction over a MemoryStore; writes go through ``change`` so they can be undone."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self._undo: list[Callable[[], None]] = []
        self._events: list[StoredEvent] = []
        self.open = True

    def _ensure_open(self) -> None:
        if not self.open:
            raise AdapterError("the transaction is already closed")

    def table(self, doctype: str) -> dict[UUID, Record]:
        self._ensure_open()
        try:
            return self.store.tables[doctype]
        except KeyError:
            raise AdapterError(
                f"no storage for DocType {doctype!r}; run the SchemaManager sync"
            ) from None

    def put(self, doctype: str, record: Record) -> None:
        table = self.table(doctype)
        key = record["id"]
        previous = table.get(key)
        table[key] = copy.deepcopy(record)

        def undo() -> None:
            if previous is None:
                table.pop(key, None)
            else:
                table[key] = previous

        self._undo.append(undo)

    def remove(self, doctype: str, key: UUID) -> None:
        table = self.table(doctype)
        previous = table.pop(key, None)
        marks = self.store.deleted.setdefault(doctype, {})
        mark = marks.pop(key, None)

        def undo() -> None:
            if previous is not None:
                table[key] = previous
            if mark is not None:
                marks[key] = mark

        self._undo.append(undo)

    def mark_deleted(self, doctype: str, key: UUID, at: datetime) -> None:
        marks = self.store.deleted.setdefault(doctype, {})
        marks[key] = at

        def undo() -> None:
            marks.pop(key, None)

        self._undo.append(undo)

    def is_deleted(self, doctype: str, key: UUID) -> bool:
        return key in self.store.deleted.get(doctype, {})

    def add_events(self, events: list[StoredEvent]) -> None:
        self._ensure_open()
        outbox = self.store.outbox
        size = len(outbox)
        outbox.extend(events)
        self._events.extend(events)
        self._undo.append(lambda: outbox.__delitem__(slice(size, None)))

    def commit(self) -> None:
        """Make this transaction's outbox events visible as pending (before that, no relay sees them)."""
        for stored in self._events:
            stored.committed = True
        self._undo.clear()

    def rollback(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()


class MemoryUnitOfWork:
    """Implements UnitOfWork over a MemoryStore."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Transaction]:
        async with self.store.lock:
            tx = MemoryTransaction(self.store)
            try:
                yield tx
            except BaseException:
                tx.rollback()
                raise
            else:
                tx.commit()
            finally:
                tx.open = False


def as_memory_tx(tx: Any) -> MemoryTransaction:
    if not isinstance(tx, MemoryTransaction) or not tx.open:
        raise AdapterError("the in-memory adapters need an open transaction from MemoryUnitOfWork")
    return tx
