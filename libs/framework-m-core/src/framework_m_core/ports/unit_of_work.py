"""UnitOfWork: one transaction around everything an operation writes, including its outbox events."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol, runtime_checkable

from ..types import Transaction


@runtime_checkable
class UnitOfWork(Protocol):
    """Opens transactions for the Repository and Outbox of the same adapter family.

    ``transaction()`` commits when the block exits normally and rolls back everything written in it when
    the block raises. ``readonly=True`` promises the block only reads, which lets single-writer stores
    (SQLite) run it beside a writer. Raises ``Conflict(retryable=True)`` when the store aborts the transaction for a
    serialization failure or deadlock, ``AdapterError`` when the store is unreachable.
    """

    def transaction(
        self, *, readonly: bool = False
    ) -> AbstractAsyncContextManager[Transaction]: ...
