"""Kernel behaviour beyond the adapter kit: permissions, shares, RPC, events, nesting, lifecycle rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar
from uuid import UUID

import pytest
from pydantic import Field

from framework_m_core import (
    App,
    CallerContext,
    ChildDocType,
    Controller,
    DocType,
    DocumentSubmitted,
    DomainEvent,
    InvalidTransition,
    Kernel,
    Link,
    LinkValidation,
    NotFound,
    PermissionDenied,
    PermissionRule,
    QueryError,
    SystemContext,
    ValidationError,
    in_memory_kernel,
    rpc,
    whitelist,
)
from framework_m_core.errors import ConfigurationError
from framework_m_core.memory import MemoryEventBus


class Team(DocType):
    title: str

    class Meta:
        naming = "prompt"
        permissions = {"Member": ["read"], "Lead": ["read", "write", "create"]}


class Row(ChildDocType):
    label: str


class Task(DocType):
    subject: str = Field(min_length=1)
    team: str | None = None
    hours: Decimal = Decimal(0)
    rows: list[Row] = []

    class Meta:
        rls_field = "team"
        permissions = [
            PermissionRule(
                role="Member", actions=frozenset({"read", "write", "create"}), rows="own"
            ),
            PermissionRule(role="Viewer", actions=frozenset({"read"})),
            PermissionRule(role="Lead", actions=frozenset({"read", "write", "create", "delete"})),
        ]


class Note(DocType):
    text: str = ""
    task: Annotated[UUID | None, Link("Task")] = None

    class Meta:
        permissions = {"Member": ["read", "create", "write", "submit", "cancel", "amend", "delete"]}
        is_submittable = True


class Audited(DocType):
    title: str = ""
    amount: Decimal = Decimal(0)

    class Meta:
        track_changes = True


class Settings(DocType):
    theme: str = "light"

    class Meta:
        is_single = True


class TaskController(Controller[Task]):
    def after_insert(self) -> None:
        if self.doc.subject == "explode":
            raise ValidationError("exploded after insert")

    async def after_save(self) -> None:
        if self.doc.subject.startswith("with note"):
            await self.kernel.create(SystemContext(), Note, {"text": "auto", "task": self.doc.id})
        if self.doc.subject == "with note then fail":
            raise ValidationError("failed after the nested write")

    @whitelist(action="read")
    def describe(self, prefix: str, times: int = 1) -> str:
        return f"{prefix}:{self.doc.subject}" * times

    @whitelist(roles=("Lead",))
    async def escalate(self) -> str:
        return "escalated"

    def not_exposed(self) -> str:
        return "never"


@rpc
def ping(ctx: CallerContext, word: str) -> str:
    return f"{word} from {ctx.user}"


@rpc(allow_guest=True)
def public_time() -> str:
    return "noon"


@rpc(roles=("Lead",))
async def leads_only() -> int:
    return 1


app = App(
    name="tasks",
    doctypes=[Team, Task, Note, Settings, Audited],
    controllers={"Task": TaskController},
    rpc=[ping, public_time, leads_only],
)

ann = CallerContext.for_user("ann", "Member", teams=frozenset({"red"}))
ben = CallerContext.for_user("ben", "Member", teams=frozenset({"blue"}))
vic = CallerContext.for_user("vic", "Viewer")
lea = CallerContext.for_user("lea", "Lead")
nobody = CallerContext.for_user("nobody")
admin = CallerContext.for_user("root", "Administrator")


@pytest.fixture
async def kernel() -> Kernel:
    return await in_memory_kernel([app])


@pytest.mark.anyio
async def test_default_deny_and_admin_bypass(kernel: Kernel) -> None:
    with pytest.raises(PermissionDenied):
        await kernel.create(nobody, Task, {"subject": "x"})
    with pytest.raises(PermissionDenied):
        await kernel.list(nobody, Task)
    task = await kernel.create(admin, Task, {"subject": "x"})
    assert task.owner == "root"
    assert kernel.permitted_actions(admin, Task) >= {"read", "delete", "amend"}
    assert kernel.permitted_actions(vic, Task) == {"read"}


@pytest.mark.anyio
async def test_rls_by_team_field(kernel: Kernel) -> None:
    red = await kernel.create(ann, Task, {"subject": "red work", "team": "red"})
    await kernel.create(ben, Task, {"subject": "blue work", "team": "blue"})
    with pytest.raises(PermissionDenied):
        await kernel.create(ann, Task, {"subject": "not mine", "team": "blue"})
    assert [t.subject for t in (await kernel.list(ann, Task)).items] == ["red work"]
    assert await kernel.count(ben, Task) == 1
    assert await kernel.count(vic, Task) == 2
    with pytest.raises(NotFound):
        await kernel.get(ben, Task, red.id)
    with pytest.raises(NotFound):
        await kernel.update(ben, Task, red.id, {"subject": "hijack"})
    with pytest.raises(PermissionDenied):
        await kernel.update(ann, Task, red.id, {"team": "blue"})
    with pytest.raises(PermissionDenied):
        await kernel.update(vic, Task, red.id, {"subject": "viewer edit"})


@pytest.mark.anyio
async def test_shares_grant_access_to_one_document(kernel: Kernel) -> None:
    red = await kernel.create(ann, Task, {"subject": "red work", "team": "red"})
    other = await kernel.create(ann, Task, {"subject": "other", "team": "red"})
    with pytest.raises(NotFound):
        await kernel.share(ben, Task, red.id, "carl")
    share = await kernel.share(ann, Task, red.id, "ben", ["read", "write"])
    assert (await kernel.get(ben, Task, red.id)).subject == "red work"
    listed = await kernel.list(ben, Task)
    assert [t.id for t in listed.items] == [red.id]
    updated = await kernel.update(ben, Task, red.id, {"hours": "2.5"})
    assert updated.hours == Decimal("2.5")
    with pytest.raises(NotFound):
        await kernel.get(ben, Task, other.id)
    await kernel.share(lea, Task, other.id, "nobody")
    assert [t.id for t in (await kernel.list(nobody, Task)).items] == [other.id]
    await kernel.unshare(ann, share.id)
    with pytest.raises(NotFound):
        await kernel.get(ben, Task, red.id)


@pytest.mark.anyio
async def test_shares_cannot_grant_more_than_the_sharer_holds(kernel: Kernel) -> None:
    task = await kernel.create(ann, Task, {"subject": "mine", "team": "red"})
    with pytest.raises(PermissionDenied, match=r"cannot share \['delete'\]"):
        await kernel.share(ann, Task, task.id, "ben", ["read", "delete"])
    for target in ("ann", " ann ", "Guest", ""):
        with pytest.raises(ValidationError, match="not yourself, not Guest"):
            await kernel.share(ann, Task, task.id, target, ["read"])
    await kernel.share(ann, Task, task.id, "ben", ["read", "write"])
    await kernel.share(ben, Task, task.id, "carl", ["read"])  # passing on what one holds is fine
    with pytest.raises(PermissionDenied):
        await kernel.share(ben, Task, task.id, "carl", ["delete"])
    await kernel.share(lea, Task, task.id, "dora", ["read", "delete"])  # a Lead holds delete
    assert await kernel.count(SystemContext("t"), "DocShare") == 3


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
async def test_whitelisted_methods_only(kernel: Kernel) -> None:
    task = await kernel.create(ann, Task, {"subject": "s", "team": "red"})
    assert (
        await kernel.call(ann, Task, task.id, "describe", {"prefix": "p", "times": 2}) == "p:sp:s"
    )
    for method in ("not_exposed", "_maybe", "__init__", "missing", "validate"):
        with pytest.raises(NotFound):
            await kernel.call(ann, Task, task.id, method)
    with pytest.raises(ValidationError):
        await kernel.call(ann, Task, task.id, "describe", {"prefix": "p", "times": "many"})
    with pytest.raises(ValidationError):
        await kernel.call(ann, Task, task.id, "describe", {})
    with pytest.raises(PermissionDenied):
        await kernel.call(ann, Task, task.id, "escalate")
    assert await kernel.call(lea, Task, task.id, "escalate") == "escalated"
    with pytest.raises(NotFound):
        await kernel.call(ben, Task, task.id, "describe", {"prefix": "p"})


@pytest.mark.anyio
async def test_rpc_functions(kernel: Kernel) -> None:
    module = __name__
    assert await kernel.call_rpc(ann, f"{module}.ping", {"word": "hi"}) == "hi from ann"
    with pytest.raises(NotFound):
        await kernel.call_rpc(ann, "os.system", {"command": "true"})
    with pytest.raises(PermissionDenied):
        await kernel.call_rpc(CallerContext.guest(), f"{module}.ping", {"word": "hi"})
    assert await kernel.call_rpc(CallerContext.guest(), f"{module}.public_time") == "noon"
    with pytest.raises(PermissionDenied):
        await kernel.call_rpc(ann, f"{module}.leads_only")
    assert await kernel.call_rpc(lea, f"{module}.leads_only") == 1
    with pytest.raises(ValidationError):
        await kernel.call_rpc(ann, f"{module}.ping", {"word": ["not", "text"]})


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


@pytest.mark.anyio
async def test_shares_beyond_one_page_all_count() -> None:
    kernel = await in_memory_kernel([app])
    kernel.max_limit = 3  # a tiny page, so the caller's shares span several pages
    tasks = [await kernel.create(ann, Task, {"subject": f"t{i}", "team": "red"}) for i in range(7)]
    for task in tasks:
        await kernel.share(ann, Task, task.id, "nobody")
    assert await kernel.count(nobody, Task) == 7
    await kernel.delete(lea, Task, tasks[0].id, hard=True)
    assert await kernel.count(nobody, Task) == 6


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
