"""Document rules the kernel enforces: standard fields it sets itself, validation errors for each
field, timezone-aware datetimes, submit/cancel/amend and the immutability of submitted documents,
replace, singles, child DocTypes, and controller hooks (the stored document as ``previous``, no
changes after the write).

The tasks app and its callers are in tasks_app.py; ``kernel`` (conftest.py) serves it from memory.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import pytest

from framework_m_core import (
    App,
    CallerContext,
    Controller,
    DocType,
    DocumentSubmitted,
    InvalidTransition,
    Kernel,
    LinkValidation,
    NotFound,
    QueryError,
    SystemContext,
    ValidationError,
    in_memory_kernel,
)
from framework_m_core.errors import ConfigurationError

from .tasks_app import Note, Settings, Task, Team, admin, ann, lea


@pytest.mark.anyio
async def test_standard_fields_cannot_be_spoofed(kernel: Kernel) -> None:
    task = await kernel.create(
        ann,
        Task,
        {
            "subject": "s",
            "team": "red",
            "owner": "mallory",
            "version": 99,
            "docstatus": 1,
            "name": "evil",
        },
    )
    assert (task.owner, task.version, int(task.docstatus)) == ("ann", 1, 0)
    assert task.name == str(task.id)


@pytest.mark.anyio
async def test_validation_errors_list_each_field(kernel: Kernel) -> None:
    with pytest.raises(ValidationError) as info:
        await kernel.create(lea, Task, {"subject": "", "hours": "lots", "bogus": 1})
    locs = sorted(tuple(e["loc"]) for e in info.value.errors)
    assert locs == [("bogus",), ("hours",), ("subject",)]
    with pytest.raises(ValidationError, match="needs a name"):
        await kernel.create(lea, Team, {"title": "Red"})
    team = await kernel.create(lea, Team, {"title": "Red", "name": "red"})
    assert team.name == "red"


@pytest.mark.anyio
async def test_amend_chain_and_immutability(kernel: Kernel) -> None:
    task = await kernel.create(lea, Task, {"subject": "linked"})
    note = await kernel.create(ann, Note, {"text": "v1", "task": task.id})
    with pytest.raises(InvalidTransition):
        await kernel.amend(ann, Note, note.id)
    note = await kernel.submit(ann, Note, note.id)
    with pytest.raises(DocumentSubmitted):
        await kernel.update(ann, Note, note.id, {"text": "changed"})
    with pytest.raises(DocumentSubmitted):
        await kernel.delete(ann, Note, note.id)
    with pytest.raises(InvalidTransition):
        await kernel.submit(ann, Note, note.id)
    note = await kernel.cancel(ann, Note, note.id)
    with pytest.raises(DocumentSubmitted):
        await kernel.update(ann, Note, note.id, {"text": "changed"})
    first = await kernel.amend(ann, Note, note.id)
    assert first.name == f"{note.name}-1"
    await kernel.submit(ann, Note, first.id)
    await kernel.cancel(ann, Note, first.id)
    second = await kernel.amend(ann, Note, first.id)
    assert second.name == f"{note.name}-2"
    assert second.amended_from == first.id
    with pytest.raises(InvalidTransition):
        await kernel.submit(lea, Task, task.id)
    with pytest.raises(LinkValidation):
        await kernel.delete(lea, Task, task.id)


@pytest.mark.anyio
async def test_replace_resets_omitted_fields(kernel: Kernel) -> None:
    task = await kernel.create(lea, Task, {"subject": "a", "hours": 3, "rows": [{"label": "x"}]})
    replaced = await kernel.update(lea, Task, task.id, {"subject": "b"}, replace=True, version=1)
    assert (replaced.subject, replaced.hours, replaced.rows, replaced.version) == ("b", 0, [], 2)
    assert replaced.creation == task.creation


@pytest.mark.anyio
async def test_single_doctype_is_named_after_itself(kernel: Kernel) -> None:
    settings = await kernel.create(admin, Settings, {"theme": "dark"})
    assert settings.name == "Settings"
    assert (await kernel.get(admin, Settings, "Settings")).theme == "dark"


@pytest.mark.anyio
async def test_child_doctypes_are_not_addressable(kernel: Kernel) -> None:
    with pytest.raises(NotFound):
        await kernel.list(admin, "Row")
    with pytest.raises(NotFound, match="unknown DocType"):
        await kernel.list(admin, "Ghost")


@pytest.mark.anyio
async def test_non_object_input_is_a_validation_error(kernel: Kernel) -> None:
    with pytest.raises(ValidationError, match="must be an object"):
        await kernel.create(lea, Task, ["subject", "x"])  # type: ignore[arg-type]


class Meeting(DocType):
    title: str = ""
    starts: datetime | None = None

    class Meta:
        permissions = {"Member": ["read", "create"]}


@pytest.mark.anyio
async def test_naive_datetimes_are_refused_in_documents_and_filters() -> None:
    kernel = await in_memory_kernel([App(name="meetings", doctypes=[Meeting])])
    with pytest.raises(ValidationError, match="timezone") as info:
        await kernel.create(ann, Meeting, {"starts": "2026-01-01T09:00:00"})
    assert info.value.errors[0]["loc"] == ["starts"]
    await kernel.create(ann, Meeting, {"starts": "2026-01-01T09:00:00+01:00"})
    with pytest.raises(QueryError, match="timezone"):
        await kernel.list(ann, Meeting, filters=[["starts", ">", "2026-01-01T00:00:00"]])
    assert await kernel.count(ann, Meeting, [["starts", ">", "2026-01-01T00:00:00Z"]]) == 1


class Ticket(DocType):
    status: str = "Open"

    class Meta:
        is_submittable = True


class LateEditor(Controller[Ticket]):
    """Changes the document in hooks that run after it was written: both must fail loudly."""

    def before_submit(self) -> None:
        self.doc.status = "Submitted"  # before the write: kept

    def on_submit(self) -> None:
        if self.doc.status == "Submitted" and self.ctx.attributes.get("late"):
            self.doc.status = "Closed"

    def after_insert(self) -> None:
        if self.doc.status == "late":
            self.doc.status = "changed after insert"


@pytest.mark.anyio
async def test_changes_made_after_the_write_abort_instead_of_being_lost() -> None:
    kernel = await in_memory_kernel(
        [App(name="tickets", doctypes=[Ticket], controllers={"Ticket": LateEditor})]
    )
    admin = SystemContext("test")
    with pytest.raises(ConfigurationError, match=r"LateEditor.after_insert changed \['status'\]"):
        await kernel.create(admin, Ticket, {"status": "late"})
    assert await kernel.count(admin, Ticket) == 0  # rolled back
    ticket = await kernel.create(admin, Ticket, {})
    late = CallerContext("u", frozenset({"Administrator"}), attributes={"late": True})
    with pytest.raises(ConfigurationError, match="on_submit changed"):
        await kernel.submit(late, Ticket, ticket.id)
    assert (await kernel.get(admin, Ticket, ticket.id)).docstatus == 0
    submitted = await kernel.submit(admin, Ticket, ticket.id)
    assert (await kernel.get(admin, Ticket, ticket.id)).status == submitted.status == "Submitted"


class Watched(DocType):
    status: str = "Open"

    class Meta:
        is_submittable = True


class Watcher(Controller[Watched]):
    """Records what each hook sees as the stored document."""

    seen: ClassVar[list[tuple[str, str | None]]] = []

    def _note(self, hook: str) -> None:
        self.seen.append((hook, self.previous.status if self.previous else None))

    def validate(self) -> None:
        self._note("validate")

    def before_submit(self) -> None:
        self._note("before_submit")

    def before_delete(self) -> None:
        self._note("before_delete")


@pytest.mark.anyio
async def test_hooks_see_the_stored_document_as_previous() -> None:
    kernel = await in_memory_kernel(
        [App(name="watch", doctypes=[Watched], controllers={"Watched": Watcher})]
    )
    admin = SystemContext("test")
    Watcher.seen.clear()
    doc = await kernel.create(admin, Watched, {})
    await kernel.update(admin, Watched, doc.id, {"status": "Doing"})
    await kernel.submit(admin, Watched, doc.id)
    other = await kernel.create(admin, Watched, {"status": "Gone"})
    await kernel.delete(admin, Watched, other.id)
    assert Watcher.seen == [
        ("validate", None),  # being created: nothing stored yet
        ("validate", "Open"),
        ("validate", "Doing"),
        ("before_submit", "Doing"),
        ("validate", None),
        ("before_delete", "Gone"),
    ]
