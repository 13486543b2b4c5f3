"""EventBus: publish domain events and subscribe to them by NATS-style subject patterns."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..events import DomainEvent
from ..types import EventHandler


@runtime_checkable
class Subscription(Protocol):
    async def close(self) -> None:
        """Stop delivery to this subscription (idempotent)."""
        ...


@runtime_checkable
class EventBus(Protocol):
    """At-least-once delivery, de-duplicated by event id on publish.

    Subjects are ``doc.<DocType>.<type>``; patterns use ``*`` for one token and a final ``>`` for the rest.
    A handler that raises does not stop delivery to other handlers. Raises ``AdapterError`` when the
    broker is unreachable.
    """

    async def publish(self, event: DomainEvent) -> None: ...

    async def subscribe(self, pattern: str, handler: EventHandler) -> Subscription: ...
