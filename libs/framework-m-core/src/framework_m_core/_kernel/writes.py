"""Writes to stored documents: ``update``, ``delete``, and the save step every change of a stored
document goes through (update, submit, cancel).

Each write loads and authorizes the document, runs its hooks and writes it with the version it was read
at (``expected_version``), so a concurrent writer that got there first makes it fail with
VersionConflict instead of being overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from ..context import CallerContext
from ..controller import Controller
from ..doctype import STANDARD_FIELDS, DocStatus, DocType
from ..errors import DocumentSubmitted, VersionConflict
from ..meta import DocTypeMeta
from ..types import Record
from .access import Access
from .document_events import DocumentEvents
from .hooks import revalidate, run_after_hooks, run_hooks
from .links import ensure_not_linked, resolve_links
from .payload import number_children, payload_of
from .records import build, from_record, to_record
from .scope import Scope
from .share_records import ShareRecords
from .wiring import Wiring

UNVERSIONED_UPDATE_ATTEMPTS = 3
"""How often an update sent without a version is tried when concurrent writers keep winning."""


class Writes:
    """Updates and deletes through the Kernel's ports; ``save`` is shared with submit and cancel."""

    def __init__(
        self, kernel: Wiring, access: Access, events: DocumentEvents, shares: ShareRecords
    ) -> None:
        self._kernel = kernel
        self._access = access
        self._events = events
        self._shares = shares

    async def save(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        current: Record,
        doc: DocType,
        controller: Controller[Any],
        before: Sequence[str],
        after: Sequence[str],
        event: str,
    ) -> Any:
        """Write ``doc`` over the stored ``current``: the ``before`` hooks, validation, the versioned
        write, the ``after`` hooks, then the ``event`` naming the changed fields (and, with
        ``Meta.track_changes``, their old and new values)."""
        kernel = self._kernel
        await run_hooks(controller, *before)
        doc = controller.doc = revalidate(meta, controller.doc)
        doc.version = current["version"] + 1
        doc.modified = kernel.clock.now()
        doc.modified_by = ctx.user
        record = to_record(meta, doc)
        await kernel.repository.update(scope.tx, meta, record, expected_version=current["version"])
        await run_after_hooks(meta, controller, *after)
        changed = [
            f
            for f, spec in meta.fields.items()
            if not spec.standard and current.get(f) != record.get(f)
        ]
        extra: dict[str, Any] = {"changed": changed}
        if meta.options.track_changes and changed:
            before_values = from_record(meta, current).model_dump(mode="json", include=set(changed))
            after_values = doc.model_dump(mode="json", include=set(changed))
            extra["changes"] = {
                f: {"old": before_values[f], "new": after_values[f]} for f in changed
            }
        self._events.emit(scope, ctx, meta, event, doc, **extra)
        return doc

    async def update(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        changes: Mapping[str, Any] | BaseModel,
        *,
        version: int | None,
        replace: bool,
    ) -> Any:
        """Merge ``changes`` into a draft (or replace all its fields with ``replace``).

        ``version`` is the version the caller edited; a stale one raises VersionConflict. Without
        one the caller asked for last-writer-wins, so a write that loses a race with another is
        applied again on top of the newer version (a few times at most) instead of failing; not
        inside a larger operation, whose other writes would be repeated."""
        retry = version is None and not self._kernel.scopes.active
        for _ in range(UNVERSIONED_UPDATE_ATTEMPTS - 1 if retry else 0):
            try:
                return await self._update(ctx, meta, key, changes, version, replace)
            except VersionConflict:
                continue
        return await self._update(ctx, meta, key, changes, version, replace)

    async def _update(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        changes: Mapping[str, Any] | BaseModel,
        version: int | None,
        replace: bool,
    ) -> Any:
        kernel = self._kernel
        async with kernel.scopes.open() as scope:
            current, shared = await self._access.load_for(scope, ctx, meta, key, "write", version)
            if current["docstatus"] != DocStatus.DRAFT:
                raise DocumentSubmitted(
                    f"{meta.name} {current['name']} is submitted or cancelled; "
                    "cancel and amend it instead"
                )
            incoming = payload_of(meta, changes)
            incoming.pop("name", None)
            base = {k: v for k, v in current.items() if k in STANDARD_FIELDS or not replace}
            payload = {**base, **incoming}
            number_children(meta, payload, kernel.ids, current)
            doc = build(meta, payload)
            kernel.permission.check(ctx, meta, "write", to_record(meta, doc), shared)
            await resolve_links(scope.tx, kernel.repository, kernel.registry, meta, doc)
            controller = kernel.controller(meta, doc, ctx, current)
            return await self.save(
                scope,
                ctx,
                meta,
                current,
                doc,
                controller,
                ("validate", "before_save"),
                ("after_save",),
                "updated",
            )

    async def delete(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        *,
        hard: bool,
        version: int | None,
    ) -> None:
        """Soft delete (hidden, name kept) by default; ``hard`` removes the row and its shares.

        A submitted document must be cancelled first (DocumentSubmitted); one that live documents
        link to stays (LinkValidation)."""
        kernel = self._kernel
        async with kernel.scopes.open() as scope:
            current, _ = await self._access.load_for(scope, ctx, meta, key, "delete", version)
            if current["docstatus"] == DocStatus.SUBMITTED:
                raise DocumentSubmitted(
                    f"{meta.name} {current['name']} is submitted; cancel it first"
                )
            await ensure_not_linked(scope.tx, kernel.repository, kernel.registry, meta, current)
            doc = from_record(meta, current)
            controller = kernel.controller(meta, doc, ctx, current)
            await run_hooks(controller, "before_delete")
            if hard:
                await kernel.repository.delete(
                    scope.tx, meta, doc.id, expected_version=current["version"]
                )
                await self._shares.drop(scope.tx, meta, doc.id)
            else:
                await kernel.repository.mark_deleted(
                    scope.tx,
                    meta,
                    doc.id,
                    expected_version=current["version"],
                    at=kernel.clock.now(),
                )
            await run_hooks(controller, "after_delete")
            self._events.emit(scope, ctx, meta, "deleted", doc, hard=hard)
