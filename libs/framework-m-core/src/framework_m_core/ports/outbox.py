"""Outbox: domain events written in the same transaction as the documents they describe."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable
from uuid import UUID

from ..events import DomainEvent
from ..types import Transaction


@runtime_checkable
class Outbox(Protocol):
    """Durable event log, written transactionally, drained after commit.

    ``append`` writes inside ``tx`` (rolled back with it). ``pending`` returns committed, unpublished
    events oldest first; ``mark_published`` is idempotent. Raises ``AdapterError`` for storage failures.
    """

    async def append(self, tx: Transaction, events: Sequence[DomainEvent]) -> None: ...

    async def pending(self, limit: int = 100) -> list[DomainEvent]: ...

    async def mark_published(self, event_ids: Sequence[UUID]) -> None: ...
