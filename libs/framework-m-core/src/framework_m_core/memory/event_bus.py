"""In-memory EventBus: delivers in-process, de-duplicating by event id."""

from __future__ import annotations

import logging
from collections import OrderedDict
from uuid import UUID

from ..events import DomainEvent, subject_matches
from ..types import EventHandler

log = logging.getLogger("framework_m.events")


class MemorySubscription:
    def __init__(self, bus: MemoryEventBus, pattern: str, handler: EventHandler) -> None:
        self.bus, self.pattern, self.handler = bus, pattern, handler

    async def close(self) -> None:
        if self in self.bus._subscriptions:
            self.bus._subscriptions.remove(self)


class MemoryEventBus:
    """Remembers the last ``dedupe_window`` event ids and drops repeats."""

    def __init__(self, dedupe_window: int = 10_000) -> None:
        self._subscriptions: list[MemorySubscription] = []
        self._seen: OrderedDict[UUID, None] = OrderedDict()
        self._window = dedupe_window

    async def publish(self, event: DomainEvent) -> None:
        if event.id in self._seen:
            return
        self._seen[event.id] = None
        if len(self._seen) > self._window:
            self._seen.popitem(last=False)
        for sub in list(self._subscriptions):
            if subject_matches(sub.pattern, event.subject):
                try:
                    await sub.handler(event)
                except Exception:
                    log.exception("event handler for %s failed on %s", sub.pattern, event.id)

    async def subscribe(self, pattern: str, handler: EventHandler) -> MemorySubscription:
        sub = MemorySubscription(self, pattern, handler)
        self._subscriptions.append(sub)
        return sub
