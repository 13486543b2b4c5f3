"""Kernel writes as transactions and the events they publish: nested writes join the caller's
transaction, ``insert_many`` is all or nothing, events go out after the commit only (naming the
changed fields, and the old and new values where changes are tracked), and an event the bus refuses
stays in the outbox for the relay.

The tasks app and its callers are in tasks_app.py; ``kernel`` (conftest.py) serves it from memory.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from framework_m_core import DomainEvent, Kernel, ValidationError
from framework_m_core.memory import MemoryEventBus

from .tasks_app import Audited, Note, Task, admin, lea


@pytest.mark.anyio
async def test_nested_writes_join_the_transaction(kernel: Kernel) -> None:
    task = await kernel.create(lea, Task, {"subject": "with note"})
    assert await kernel.count(admin, Note, {"task": str(task.id)}) == 1
    with pytest.raises(ValidationError, match="after the nested write"):
        await kernel.create(lea, Task, {"subject": "with note then fail"})
    assert await kernel.count(admin, Task) == 1
    assert await kernel.count(admin, Note) == 1
    assert await kernel.outbox.pending() == []


@pytest.mark.anyio
async def test_events_published_after_commit_only(kernel: Kernel) -> None:
    seen: list[DomainEvent] = []

    async def collect(event: DomainEvent) -> None:
        seen.append(event)

    await kernel.event_bus.subscribe("doc.Task.>", collect)
    task = await kernel.create(lea, Task, {"subject": "a"})
    await kernel.update(lea, Task, task.id, {"subject": "b"})
    with pytest.raises(ValidationError):
        await kernel.create(lea, Task, {"subject": "explode"})
    await kernel.delete(lea, Task, task.id)
    assert [e.subject for e in seen] == ["doc.Task.created", "doc.Task.updated", "doc.Task.deleted"]
    assert seen[1].data["subject"] == "b"
    assert seen[0].to_cloudevent()["type"] == "framework_m.doc.created"
    assert await kernel.outbox.pending() == []


class FlakyBus(MemoryEventBus):
    """An event bus whose broker is down until told otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True
        self.got: list[UUID] = []

    async def publish(self, event: DomainEvent) -> None:
        if self.down:
            raise ConnectionError("broker down")
        self.got.append(event.id)
        await super().publish(event)


@pytest.mark.anyio
async def test_failed_publish_stays_in_outbox_for_the_relay(
    kernel: Kernel, caplog: pytest.LogCaptureFixture
) -> None:
    bus = FlakyBus()
    kernel.scopes.event_bus = bus
    task = await kernel.create(lea, Task, {"subject": "a"})
    assert "stays in the outbox" in caplog.text
    pending = await kernel.outbox.pending()
    assert [e.document_id for e in pending] == [task.id]
    bus.down = False
    assert await kernel.scopes.relay_pending() == 1
    assert bus.got == [pending[0].id]
    assert await kernel.outbox.pending() == []


@pytest.mark.anyio
async def test_insert_many_is_all_or_nothing(kernel: Kernel) -> None:
    done = await kernel.insert_many(lea, Task, [{"subject": "a"}, {"subject": "b"}])
    assert len(done) == 2
    with pytest.raises(ValidationError) as info:
        await kernel.insert_many(lea, Task, [{"subject": "c"}, {"subject": ""}])
    assert info.value.details["index"] == 1
    assert await kernel.count(lea, Task) == 2


@pytest.mark.anyio
async def test_update_events_name_changed_fields_and_track_changes(kernel: Kernel) -> None:
    seen: list[DomainEvent] = []

    async def collect(event: DomainEvent) -> None:
        seen.append(event)

    await kernel.event_bus.subscribe("doc.*.updated", collect)
    task = await kernel.create(lea, Task, {"subject": "a"})
    await kernel.update(lea, Task, task.id, {"subject": "b", "hours": 0})
    audited = await kernel.create(admin, Audited, {"title": "t", "amount": "1.50"})
    await kernel.update(admin, Audited, audited.id, {"amount": "2"})
    assert seen[0].data["changed"] == ["subject"]
    assert "changes" not in seen[0].data
    assert seen[1].data["changes"] == {"amount": {"old": "1.50", "new": "2"}}
