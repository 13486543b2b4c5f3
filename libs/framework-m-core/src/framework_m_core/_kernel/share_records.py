"""The stored DocShare rows: which actions a user was granted on which documents, and their removal.

Without the built-in ``DocShare`` DocType in the registry nothing is ever shared: lookups find nothing
and there is nothing to remove.
"""

from __future__ import annotations

from uuid import UUID

from ..context import CallerContext
from ..meta import ACTIONS, Action, DocTypeMeta
from ..query import Condition, Filter, Query, all_of
from ..types import Record, Transaction
from .wiring import Wiring


class ShareRecords:
    """Reads and removes DocShare rows through the Kernel's repository (no permission checks: callers
    decide who may see or drop them)."""

    def __init__(self, kernel: Wiring) -> None:
        self._kernel = kernel
        registry = kernel.registry
        self._meta = registry.get("DocShare") if "DocShare" in registry else None

    async def actions(
        self, tx: Transaction, ctx: CallerContext, meta: DocTypeMeta, doc_id: UUID | None = None
    ) -> dict[UUID, frozenset[Action]]:
        """Shares granted to the caller on ``meta`` documents (only ``doc_id`` when given), by document
        id; one query unless there are very many. The system context holds no shares (it needs none)."""
        if self._meta is None or ctx.is_system:
            return {}
        conditions: list[Filter] = [
            Condition("share_doctype", "=", meta.name),
            Condition("user", "=", ctx.user),
        ]
        if doc_id is not None:
            conditions.append(Condition("document", "=", doc_id))
        shared: dict[UUID, set[Action]] = {}
        for row in await self._all_rows(tx, self._meta, all_of(*conditions)):
            shared.setdefault(row["document"], set()).update(a for a in ACTIONS if row.get(a))
        return {k: frozenset(v) for k, v in shared.items()}

    async def drop(self, tx: Transaction, meta: DocTypeMeta, doc_id: UUID) -> None:
        """Remove every share of one document (when the document itself is removed for good)."""
        if self._meta is None:
            return
        flt = all_of(Condition("share_doctype", "=", meta.name), Condition("document", "=", doc_id))
        for row in await self._all_rows(tx, self._meta, flt):
            await self._kernel.repository.delete(tx, self._meta, row["id"])

    async def _all_rows(
        self, tx: Transaction, meta: DocTypeMeta, flt: Filter | None
    ) -> list[Record]:
        """Every matching row, fetched a page of ``max_limit`` at a time (never silently cut off)."""
        rows: list[Record] = []
        while True:
            page_size = self._kernel.max_limit
            page = await self._kernel.repository.list(
                tx, meta, Query(flt, order_by=(), limit=page_size, offset=len(rows))
            )
            rows.extend(page)
            if len(page) < page_size:
                return rows
