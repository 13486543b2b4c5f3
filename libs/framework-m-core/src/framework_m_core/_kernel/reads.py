"""Reads: one document (``get``), pages of them (``list``/``query``) and counts, each within read access.

Row-level security and shares become one more filter of the query, which the adapter applies inside its
own query: a page is never filtered after fetching, so it is never short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from ..context import CallerContext
from ..doctype import DocType
from ..meta import DocTypeMeta
from ..query import Query, all_of, build_query, parse_filters
from .access import Access
from .records import from_record
from .wiring import Wiring

D = TypeVar("D", bound=DocType)


@dataclass(frozen=True)
class Page(Generic[D]):
    """One page of a list: documents (or dicts when fields were selected), optional total, paging."""

    items: list[Any]
    limit: int
    offset: int
    has_more: bool
    total: int | None = None


class Reads:
    """Reads through the Kernel's repository in read-only transactions (or the caller's own)."""

    def __init__(self, kernel: Wiring, access: Access) -> None:
        self._kernel = kernel
        self._access = access

    async def get(self, ctx: CallerContext, meta: DocTypeMeta, key: UUID | str) -> Any:
        """Get by id or name; raises NotFound also for documents the caller may not read."""
        async with self._kernel.scopes.open(readonly=True) as scope:
            record = await self._access.load(scope.tx, meta, key)
            await self._access.authorize(scope.tx, ctx, meta, "read", record, key)
            return from_record(meta, record)

    async def list(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        *,
        filters: Any,
        order_by: str | Sequence[str] | None,
        limit: int | None,
        offset: int,
        fields: str | Sequence[str] | None,
        with_total: bool,
        records: bool,
    ) -> Page[Any]:
        """Validate a list request (QueryError on any bad part) and run it with ``query``."""
        query = build_query(
            meta,
            filters=filters,
            order_by=order_by,
            limit=limit,
            offset=offset,
            fields=fields,
            max_limit=self._kernel.max_limit,
        )
        return await self.query(ctx, meta, query, with_total=with_total, records=records)

    async def query(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        query: Query,
        *,
        with_total: bool = False,
        records: bool = False,
    ) -> Page[Any]:
        """List with an already validated Query, fetching one row more than the page to tell
        whether another page follows."""
        repository = self._kernel.repository
        async with self._kernel.scopes.open(readonly=True) as scope:
            secured = query.with_filter(await self._access.row_filter(scope.tx, ctx, meta, "read"))
            probe = Query(
                secured.filters,
                secured.order_by,
                secured.limit + 1,
                secured.offset,
                secured.fields,
                secured.include_deleted,
            )
            rows = await repository.list(scope.tx, meta, probe)
            total = await repository.count(scope.tx, meta, secured.filters) if with_total else None
        has_more = len(rows) > query.limit
        rows = rows[: query.limit]
        plain = records or query.fields is not None
        items = rows if plain else [from_record(meta, r) for r in rows]
        return Page(
            items=items, limit=query.limit, offset=query.offset, has_more=has_more, total=total
        )

    async def count(self, ctx: CallerContext, meta: DocTypeMeta, filters: Any = None) -> int:
        """How many live documents the caller may read match ``filters`` (Frappe wire format)."""
        wanted = parse_filters(meta, filters)
        async with self._kernel.scopes.open(readonly=True) as scope:
            rls = await self._access.row_filter(scope.tx, ctx, meta, "read")
            return await self._kernel.repository.count(scope.tx, meta, all_of(wanted, rls))
