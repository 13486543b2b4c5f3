"""Outbox: events are written with the transaction, pending once committed, published after commit."""

from __future__ import annotations

import anyio
import pytest

from ...events import DomainEvent
from ...ports import Subscription
from ...types import EventHandler
from ..doctypes import KitCustomer, KitRecord
from ..plugin import KitEnv
from ._support import eventually, make_event, meta_of, new_record, pending_ids

__all__ = [
    "test_outbox_events_are_published_after_commit",
    "test_outbox_keeps_events_until_published",
    "test_outbox_pending_and_mark_published",
    "test_outbox_uncommitted_events_are_not_pending",
]


class _DownBus:
    """An EventBus whose broker is unreachable."""

    async def publish(self, event: DomainEvent) -> None:
        raise ConnectionError("broker down (on purpose)")

    async def subscribe(self, pattern: str, handler: EventHandler) -> Subscription:
        raise ConnectionError("broker down (on purpose)")


@pytest.mark.anyio
async def test_outbox_events_are_published_after_commit(kit: KitEnv) -> None:
    received: list[DomainEvent] = []

    async def handler(event: DomainEvent) -> None:
        received.append(event)

    await kit.kernel.event_bus.subscribe("doc.KitCustomer.>", handler)
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Evented"})
    await eventually(lambda: len(received) >= 1, what="the created event")
    await kit.kernel.update(kit.admin, KitCustomer, customer.id, {"city": "Köln"})
    await kit.kernel.delete(kit.admin, KitCustomer, customer.id)
    await eventually(lambda: len(received) >= 3, what="the updated and deleted events")
    assert [(e.type, e.document_id, e.doctype) for e in received] == [
        ("created", customer.id, "KitCustomer"),
        ("updated", customer.id, "KitCustomer"),
        ("deleted", customer.id, "KitCustomer"),
    ]
    assert received[0].data["customer_name"] == "Evented"
    assert len({e.id for e in received}) == 3
    assert await pending_ids(kit) == []


@pytest.mark.anyio
async def test_outbox_keeps_events_until_published(kit: KitEnv) -> None:
    bus = kit.kernel.scopes.event_bus
    kit.kernel.scopes.event_bus = _DownBus()
    try:
        docs = [await kit.kernel.create(kit.admin, KitRecord, {"title": f"e{i}"}) for i in range(3)]
        await kit.kernel.update(kit.admin, KitRecord, docs[0].id, {"count": 1})
    finally:
        kit.kernel.scopes.event_bus = bus
    pending = await kit.adapters.outbox.pending()
    assert [(e.type, e.document_id) for e in pending] == [
        ("created", docs[0].id),
        ("created", docs[1].id),
        ("created", docs[2].id),
        ("updated", docs[0].id),
    ]
    assert [e.data["title"] for e in pending[:3]] == ["e0", "e1", "e2"]
    received: list[DomainEvent] = []

    async def handler(event: DomainEvent) -> None:
        received.append(event)

    await bus.subscribe("doc.KitRecord.*", handler)
    assert await kit.kernel.scopes.relay_pending() == 4
    await eventually(lambda: len(received) == 4, what="the relayed events")
    assert [e.id for e in received] == [e.id for e in pending]
    assert await pending_ids(kit) == []


@pytest.mark.anyio
async def test_outbox_pending_and_mark_published(kit: KitEnv) -> None:
    outbox = kit.adapters.outbox
    record = new_record(kit, "KitRecord", title="direct")
    events = [
        make_event(kit, record["id"], kind=kind) for kind in ("created", "updated", "deleted")
    ]
    async with kit.adapters.unit_of_work.transaction() as tx:
        await kit.adapters.repository.insert(tx, meta_of(kit, "KitRecord"), [record])
        await outbox.append(tx, events[:2])
    async with kit.adapters.unit_of_work.transaction() as tx:
        await outbox.append(tx, events[2:])
    assert await outbox.pending() == events
    assert await outbox.pending(limit=2) == events[:2]
    await outbox.mark_published([events[1].id])
    assert await outbox.pending() == [events[0], events[2]]
    await outbox.mark_published([events[1].id, events[0].id])
    await outbox.mark_published([events[0].id])
    assert await outbox.pending() == [events[2]]
    await outbox.mark_published([events[2].id])
    assert await outbox.pending() == []


@pytest.mark.anyio
async def test_outbox_uncommitted_events_are_not_pending(kit: KitEnv) -> None:
    """A relay reading ``pending`` while a transaction is open must not see its events (it may wait)."""
    outbox = kit.adapters.outbox
    event = make_event(kit, kit.kernel.ids.new_id())
    seen: list[list[DomainEvent]] = []
    done = anyio.Event()

    async def relay() -> None:
        seen.append(await outbox.pending())
        done.set()

    async with anyio.create_task_group() as tg, kit.adapters.unit_of_work.transaction() as tx:
        await outbox.append(tx, [event])
        tg.start_soon(relay)
        with anyio.move_on_after(0.2):
            await done.wait()
        before_commit = list(seen)
    if before_commit:
        assert event.id not in {e.id for e in before_commit[0]}, (
            "pending showed an uncommitted event"
        )
    assert await pending_ids(kit) == [event.id]
