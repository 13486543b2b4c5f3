"""SQL Outbox: events in ``fm_outbox``, written in the document's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from operator import attrgetter
from uuid import UUID

from framework_m_core.events import DomainEvent
from framework_m_core.types import Transaction

from ._request import statements as sql
from ._request.statements import Params, Runner, Statement
from ._request.tables import OUTBOX
from .database import SqlDatabase
from .repository import sql_tx

_COLUMNS = tuple(c.name for c in OUTBOX.columns)
_EVENT_FIELDS = _COLUMNS[:-1]  # all but published_at
_event_values = attrgetter(*_EVENT_FIELDS)


class SqlOutbox:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db
        dialect, table = db.dialect_of(), db.schema.outbox
        self._insert = sql.insert(dialect, table, _COLUMNS)
        unpublished = f"{dialect.quote('published_at')} IS NULL"
        params = Params(dialect)
        self._pending = sql.select_where(
            dialect,
            table,
            _COLUMNS,
            [unpublished],
            params,
            f" ORDER BY {dialect.quote('id')} LIMIT {params.add(None)}",
        )
        params = Params(dialect)
        (at,) = sql.equals(dialect, table, ("published_at",), params)
        marker = params.add_list(dialect.bind_codec(table.c["id"].type))
        self._mark = Statement(
            f"UPDATE {dialect.quote(table.name)} SET {at} "
            f"WHERE {dialect.in_list(dialect.quote('id'), marker)} AND {unpublished}",
            params.binds,
        )

    async def append(self, tx: Transaction, events: Sequence[DomainEvent]) -> None:
        if not events:
            return
        conn = await sql_tx(tx).connection()
        rows = [[*_event_values(e), None] for e in events]
        await Runner(conn, "outbox").executemany(self._insert, rows)

    async def pending(self, limit: int = 100) -> list[DomainEvent]:
        async with self.db.transaction(write=False) as tx:
            conn = await tx.connection()
            rows = await Runner(conn, "outbox").fetch(self._pending, [limit])
        return [DomainEvent(**{f: r[f] for f in _EVENT_FIELDS}) for r in rows]

    async def mark_published(self, event_ids: Sequence[UUID]) -> None:
        if not event_ids:
            return
        async with self.db.transaction(write=True, autocommit=True) as tx:
            conn = await tx.connection()
            await Runner(conn, "outbox").execute(self._mark, [datetime.now(UTC), list(event_ids)])
