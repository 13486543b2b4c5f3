"""The transaction scope of a Kernel operation, shared by nested Kernel calls made from hooks."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from ..events import DomainEvent
from ..ports.event_bus import EventBus
from ..ports.outbox import Outbox
from ..ports.unit_of_work import UnitOfWork
from ..types import Transaction

log = logging.getLogger("framework_m.kernel")


@dataclass
class Scope:
    """One operation's transaction and the events it will write to the outbox before committing."""

    tx: Transaction
    events: list[DomainEvent] = field(default_factory=list)


class TransactionScopes:
    """Opens one UnitOfWork per outermost operation; events are published only after it commits."""

    def __init__(self, unit_of_work: UnitOfWork, outbox: Outbox, event_bus: EventBus) -> None:
        self.unit_of_work = unit_of_work
        self.outbox = outbox
        self.event_bus = event_bus
        self._current: ContextVar[Scope | None] = ContextVar(
            f"framework_m_scope_{id(self)}", default=None
        )

    @property
    def active(self) -> bool:
        """Whether a Kernel operation is already under way here (a new one would join it)."""
        return self._current.get() is not None

    @asynccontextmanager
    async def open(self, *, readonly: bool = False) -> AsyncIterator[Scope]:
        """Join the current operation's transaction, or open one (``readonly`` for pure reads)."""
        outer = self._current.get()
        if outer is not None:
            yield outer
            return
        async with self.unit_of_work.transaction(readonly=readonly) as tx:
            scope = Scope(tx)
            token = self._current.set(scope)
            try:
                yield scope
                # One outbox write for everything the operation (and nested ones) emitted.
                if scope.events:
                    await self.outbox.append(tx, scope.events)
            finally:
                self._current.reset(token)
        if scope.events:
            await self.publish(scope.events)

    async def publish(self, events: list[DomainEvent]) -> None:
        """Best-effort publish after commit; what fails stays pending in the Outbox for the relay."""
        published = []
        for event in events:
            try:
                await self.event_bus.publish(event)
            except Exception:
                log.exception("publishing %s failed; it stays in the outbox", event.id)
                break
            published.append(event.id)
        if published:
            try:
                await self.outbox.mark_published(published)
            except Exception:
                log.exception(
                    "marking %d events published failed; the relay will resend them", len(published)
                )

    async def relay_pending(self, limit: int = 100) -> int:
        """Publish committed events that are still pending (e.g. after a broker outage)."""
        pending = await self.outbox.pending(limit)
        await self.publish(pending)
        return len(pending)
