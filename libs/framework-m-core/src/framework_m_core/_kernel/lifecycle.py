"""The life of a submittable document: draft → submitted → cancelled → amended into a new draft.

Submitted documents accept only ``cancel``, cancelled ones only ``amend``; anything else, and any of them
on a DocType that is not submittable, is InvalidTransition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ..context import CallerContext
from ..doctype import STANDARD_FIELDS, DocStatus
from ..errors import InvalidTransition
from ..meta import Action, DocTypeMeta
from .access import Access
from .document_events import DocumentEvents
from .inserts import Inserts
from .records import from_record
from .wiring import Wiring
from .writes import Writes

_AMENDED = re.compile(r"^(.*)-(\d+)$")


@dataclass(frozen=True)
class Transition:
    """One docstatus change: the state it starts from and ends in, its hooks and its event."""

    action: Action
    source: DocStatus
    target: DocStatus
    before: tuple[str, ...]
    after: tuple[str, ...]
    event: str


SUBMIT = Transition(
    "submit",
    DocStatus.DRAFT,
    DocStatus.SUBMITTED,
    ("validate", "before_submit"),
    ("on_submit",),
    "submitted",
)
CANCEL = Transition(
    "cancel",
    DocStatus.SUBMITTED,
    DocStatus.CANCELLED,
    ("before_cancel",),
    ("on_cancel",),
    "cancelled",
)


def _submittable(meta: DocTypeMeta) -> None:
    if not meta.options.is_submittable:
        raise InvalidTransition(f"{meta.name} is not submittable")


class Lifecycle:
    """Submit, cancel and amend: a submit or cancel is a save with its own hooks; an amend an insert."""

    def __init__(
        self,
        kernel: Wiring,
        access: Access,
        inserts: Inserts,
        writes: Writes,
        events: DocumentEvents,
    ) -> None:
        self._kernel = kernel
        self._access = access
        self._inserts = inserts
        self._writes = writes
        self._events = events

    async def transition(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        version: int | None,
        transition: Transition,
    ) -> Any:
        """Move one document along ``transition`` (see SUBMIT and CANCEL)."""
        _submittable(meta)
        kernel = self._kernel
        async with kernel.scopes.open() as scope:
            current, _ = await self._access.load_for(
                scope, ctx, meta, key, transition.action, version
            )
            if current["docstatus"] != transition.source:
                state = DocStatus(current["docstatus"]).name.lower()
                raise InvalidTransition(
                    f"cannot {transition.action} {meta.name} {current['name']}: it is {state}"
                )
            doc = from_record(meta, current)
            doc.docstatus = transition.target
            controller = kernel.controller(meta, doc, ctx, current)
            return await self._writes.save(
                scope,
                ctx,
                meta,
                current,
                doc,
                controller,
                transition.before,
                transition.after,
                transition.event,
            )

    async def amend(self, ctx: CallerContext, meta: DocTypeMeta, key: UUID | str) -> Any:
        """A new draft copied from a cancelled document, linked by ``amended_from``, named ``<base>-N``
        (the first ``N`` no document, deleted ones included, holds)."""
        _submittable(meta)
        kernel = self._kernel
        async with kernel.scopes.open() as scope:
            source, _ = await self._access.load_for(scope, ctx, meta, key, "amend", None)
            if source["docstatus"] != DocStatus.CANCELLED:
                raise InvalidTransition(
                    f"only cancelled documents can be amended; "
                    f"{meta.name} {source['name']} is not cancelled"
                )
            base, number = source["name"], 1
            match = _AMENDED.match(base)
            if source.get("amended_from") is not None and match:
                base, number = match.group(1), int(match.group(2)) + 1
            while await kernel.repository.get_by_name(
                scope.tx, meta, f"{base}-{number}", include_deleted=True
            ):
                number += 1
            payload = {k: v for k, v in source.items() if k not in STANDARD_FIELDS}
            for table in meta.children:
                payload[table] = [
                    {k: v for k, v in row.items() if k != "id"} for row in payload[table]
                ]
            doc = await self._inserts.insert(
                scope, ctx, meta, payload, name=f"{base}-{number}", amended_from=source["id"]
            )
            # The created event, told where the new draft comes from.
            scope.events[-1] = self._events.build(
                ctx, meta, "created", doc, amended_from=str(source["id"])
            )
            return doc
