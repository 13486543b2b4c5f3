"""EventBus: NATS-style subject patterns, de-duplication by event id, isolation of failing handlers."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

import pytest

from ...events import DomainEvent
from ...ports import EventBus
from ..adapters import requires
from ..plugin import KitEnv
from ._support import eventually, make_event, settle

__all__ = [
    "test_event_bus_close_stops_delivery",
    "test_event_bus_dedupes_by_event_id",
    "test_event_bus_failing_handler_does_not_stop_others",
    "test_event_bus_subject_patterns",
]


def _bus(kit: KitEnv) -> EventBus:
    bus = kit.adapters.event_bus
    assert bus is not None, "the provider declares an event bus but the set has none"
    return bus


async def _barrier(kit: KitEnv, bus: EventBus) -> None:
    """Publish a marker event and wait for it, so earlier deliveries have had their chance."""
    arrived: list[UUID] = []

    async def mark(event: DomainEvent) -> None:
        arrived.append(event.id)

    sub = await bus.subscribe("doc.KitBarrier.>", mark)
    marker = make_event(kit, kit.kernel.ids.new_id(), doctype="KitBarrier")
    await bus.publish(marker)
    await eventually(lambda: marker.id in arrived, what="the barrier event")
    await sub.close()
    await settle()


@pytest.mark.anyio
@requires("event_bus")
async def test_event_bus_subject_patterns(kit: KitEnv) -> None:
    bus = _bus(kit)
    got: dict[str, list[str]] = defaultdict(list)
    patterns = [
        "doc.KitRecord.created",
        "doc.*.created",
        "doc.KitRecord.*",
        "doc.>",
        "doc.KitRecord.>",
        "doc.*",
        "doc.*.*.*",
        "other.>",
        ">",
        "doc.Kit.>",
    ]
    for pattern in patterns:

        async def handler(event: DomainEvent, pattern: str = pattern) -> None:
            if event.doctype != "KitBarrier":
                got[pattern].append(f"{event.doctype}.{event.type}")

        await bus.subscribe(pattern, handler)
    doc = kit.kernel.ids.new_id()
    for doctype, kind in (
        ("KitRecord", "created"),
        ("KitRecord", "updated"),
        ("KitSlot", "created"),
    ):
        await bus.publish(make_event(kit, doc, doctype=doctype, kind=kind))
    expected = {
        "doc.KitRecord.created": ["KitRecord.created"],
        "doc.*.created": ["KitRecord.created", "KitSlot.created"],
        "doc.KitRecord.*": ["KitRecord.created", "KitRecord.updated"],
        "doc.>": ["KitRecord.created", "KitRecord.updated", "KitSlot.created"],
        "doc.KitRecord.>": ["KitRecord.created", "KitRecord.updated"],
        ">": ["KitRecord.created", "KitRecord.updated", "KitSlot.created"],
    }
    await eventually(
        lambda: all(sorted(got[p]) == sorted(v) for p, v in expected.items()),
        what="deliveries to every matching pattern",
    )
    await _barrier(kit, bus)
    delivered = {p: sorted(v) for p, v in got.items() if v and p != ">"}
    assert delivered == {p: sorted(v) for p, v in expected.items() if p != ">"}


@pytest.mark.anyio
@requires("event_bus")
async def test_event_bus_dedupes_by_event_id(kit: KitEnv) -> None:
    bus = _bus(kit)
    got: list[UUID] = []

    async def handler(event: DomainEvent) -> None:
        got.append(event.id)

    await bus.subscribe("doc.KitRecord.*", handler)
    first = make_event(kit, kit.kernel.ids.new_id())
    second = make_event(kit, kit.kernel.ids.new_id())
    for event in (first, first, second, first, second):
        await bus.publish(event)
    await eventually(lambda: {first.id, second.id} <= set(got), what="both events")
    await _barrier(kit, bus)
    assert sorted(got) == sorted([first.id, second.id])


@pytest.mark.anyio
@requires("event_bus")
async def test_event_bus_failing_handler_does_not_stop_others(kit: KitEnv) -> None:
    bus = _bus(kit)
    before: list[UUID] = []
    after: list[UUID] = []

    async def good_before(event: DomainEvent) -> None:
        before.append(event.id)

    async def failing(event: DomainEvent) -> None:
        raise RuntimeError("handler failed on purpose")

    async def good_after(event: DomainEvent) -> None:
        after.append(event.id)

    await bus.subscribe("doc.KitRecord.created", good_before)
    await bus.subscribe("doc.KitRecord.created", failing)
    await bus.subscribe("doc.KitRecord.created", good_after)
    events = [make_event(kit, kit.kernel.ids.new_id()) for _ in range(3)]
    for event in events:
        await bus.publish(event)
    wanted = {e.id for e in events}
    await eventually(
        lambda: set(before) == wanted and set(after) == wanted, what="delivery to healthy handlers"
    )


@pytest.mark.anyio
@requires("event_bus")
async def test_event_bus_close_stops_delivery(kit: KitEnv) -> None:
    bus = _bus(kit)
    closed: list[UUID] = []
    open_: list[UUID] = []

    async def to_closed(event: DomainEvent) -> None:
        closed.append(event.id)

    async def to_open(event: DomainEvent) -> None:
        open_.append(event.id)

    sub = await bus.subscribe("doc.KitRecord.>", to_closed)
    await bus.subscribe("doc.KitRecord.>", to_open)
    early = make_event(kit, kit.kernel.ids.new_id())
    await bus.publish(early)
    await eventually(lambda: early.id in closed and early.id in open_, what="the first event")
    await sub.close()
    await sub.close()  # idempotent
    late = make_event(kit, kit.kernel.ids.new_id())
    await bus.publish(late)
    await eventually(lambda: late.id in open_, what="the event after close")
    await _barrier(kit, bus)
    assert closed == [early.id]
