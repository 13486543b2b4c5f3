"""Who may do what to which document: loading a document for an action, row filters for lists.

Roles decide first (through the Permission port); explicit shares are looked up only when roles do not
suffice. A document the caller may not even read is reported exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from ..context import CallerContext
from ..doctype import DocType
from ..errors import NotFound, PermissionDenied, VersionConflict
from ..meta import Action, DocTypeMeta
from ..query import Filter
from ..registry import MetaRegistry
from ..types import Record, Transaction
from .records import as_uuid
from .scope import Scope
from .share_records import ShareRecords
from .wiring import Wiring


def document_meta(registry: MetaRegistry, doctype: str | type[DocType]) -> DocTypeMeta:
    """The meta of a DocType callers may address; child DocTypes are NotFound (they are read and
    written through their parent)."""
    name = doctype if isinstance(doctype, str) else doctype.__name__
    meta = registry.get(name)
    if meta.options.is_child:
        raise NotFound(f"{name} is a child DocType; it is read and written through its parent")
    return meta


def missing(meta: DocTypeMeta, key: UUID | str) -> NotFound:
    """The one answer for "no such document" and "not yours to see": they must be indistinguishable."""
    return NotFound(f"{meta.name} {key} not found", details={"doctype": meta.name, "key": str(key)})


class Access:
    """Permission checks on single documents and the row filters of lists, shares included."""

    def __init__(self, kernel: Wiring, shares: ShareRecords) -> None:
        self._kernel = kernel
        self._shares = shares

    async def load(self, tx: Transaction, meta: DocTypeMeta, key: UUID | str) -> Record:
        """The live record whose id is ``key`` or, failing that, whose name is; NotFound otherwise."""
        repository = self._kernel.repository
        record: Record | None = None
        as_id = key if isinstance(key, UUID) else as_uuid(key)
        if as_id is not None:
            record = await repository.get(tx, meta, as_id)
        if record is None and isinstance(key, str):
            record = await repository.get_by_name(tx, meta, key)
        if record is None:
            raise missing(meta, key)
        return record

    async def load_for(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        action: Action,
        version: int | None,
    ) -> tuple[Record, frozenset[Action]]:
        """Load and authorize ``action``; returns the record and the actions shared with the caller on
        it. ``version``, when given, is the version the caller edited: a different stored one raises
        VersionConflict."""
        record = await self.load(scope.tx, meta, key)
        shared = await self.authorize(scope.tx, ctx, meta, action, record, key)
        if version is not None and record["version"] != version:
            raise VersionConflict(
                f"{meta.name} {record.get('name')} was changed by someone else "
                f"(version {record['version']}, you had {version})",
                details={"doctype": meta.name, "current_version": record["version"]},
            )
        return record, shared

    async def authorize(
        self,
        tx: Transaction,
        ctx: CallerContext,
        meta: DocTypeMeta,
        action: Action,
        record: Record,
        key: UUID | str,
    ) -> frozenset[Action]:
        """Check ``action`` on one record; rows the caller may not even read are reported as missing,
        in the very words used for a ``key`` that matches nothing.

        Returns the actions shared with the caller on this record (empty when roles sufficed)."""
        permission = self._kernel.permission
        try:
            permission.check(ctx, meta, action, record)
            return frozenset()
        except PermissionDenied:
            shared = (await self._shares.actions(tx, ctx, meta, record["id"])).get(
                record["id"], frozenset()
            )
        try:
            permission.check(ctx, meta, action, record, shared)
            return shared
        except PermissionDenied:
            if action == "read" or not self.can(ctx, meta, "read", record, shared):
                raise missing(meta, key) from None
            raise

    def can(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        action: Action,
        record: Record,
        shared: Collection[Action],
    ) -> bool:
        """Whether the caller may do ``action`` on ``record``, holding ``shared`` on it."""
        try:
            self._kernel.permission.check(ctx, meta, action, record, shared)
        except PermissionDenied:
            return False
        return True

    async def row_filter(
        self, tx: Transaction, ctx: CallerContext, meta: DocTypeMeta, action: Action
    ) -> Filter | None:
        """The RLS condition for ``action``: role rules plus explicit shares (one share query at most)."""
        permission = self._kernel.permission
        try:
            if permission.row_filter(ctx, meta, action) is None:
                return None
        except PermissionDenied:
            pass
        shared = await self._shares.actions(tx, ctx, meta)
        ids = [doc_id for doc_id, actions in shared.items() if action in actions]
        return permission.row_filter(ctx, meta, action, ids)
