"""The tasks app the kernel tests run against, and its callers.

DocTypes with role permissions and row-level security by team (``Task``), a submittable DocType with
a Link (``Note``), change tracking (``Audited``), a single (``Settings``), a child table (``Row``)
and one named by prompt (``Team``); ``TaskController`` has hooks that fail or write nested documents
on cue and whitelisted methods. conftest.py's ``kernel`` fixture serves ``app`` from memory.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from framework_m_core import (
    App,
    CallerContext,
    ChildDocType,
    Controller,
    DocType,
    Link,
    PermissionRule,
    SystemContext,
    ValidationError,
    whitelist,
)


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


# Its RPC functions are test_kernel_calls.py's own: an RPC function is addressed by its module.
app = App(
    name="tasks",
    doctypes=[Team, Task, Note, Settings, Audited],
    controllers={"Task": TaskController},
)

ann = CallerContext.for_user("ann", "Member", teams=frozenset({"red"}))
ben = CallerContext.for_user("ben", "Member", teams=frozenset({"blue"}))
vic = CallerContext.for_user("vic", "Viewer")
lea = CallerContext.for_user("lea", "Lead")
nobody = CallerContext.for_user("nobody")
admin = CallerContext.for_user("root", "Administrator")
