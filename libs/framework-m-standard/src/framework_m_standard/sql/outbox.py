"""SQL Outbox: events in ``fm_outbox``, written in the document's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from framework_m_core.events import DomainEvent
from framework_m_core.types import Transaction

from . import statements as sql
from .database import SqlDatabase
from .repository import sql_tx
from .statements import Params, Runner, Statement

_COLUMNS = (
    "id",
    "type",
    "doctype",
    "document_id",
    "document_name",
    "time",
    "actor",
    "tenant",
    "source",
    "data",
    "published_at",
)


class SqlOutbox:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db
        dialect, table = db.dialect_of(), db.schema.outbox
        self._insert = sql.insert(dialect, table, _COLUMNS)
        params = Params(dialect)
        at = params.add(dialect.bind_codec(table.c["published_at"].type))
        ids = dialect.in_list("id", params.add_list(dialect.bind_codec(table.c["id"].type)))
        self._mark = Statement(
            f"UPDATE fm_outbox SET published_at = {at} WHERE {ids} AND published_at IS NULL",
            params.binds,
        )

    async def append(self, tx: Transaction, events: Sequence[DomainEvent]) -> None:
        if not events:
            return
        conn = await sql_tx(tx).connection()
        rows = [
            [
                e.id,
                e.type,
                e.doctype,
                e.document_id,
                e.document_name,
                e.time,
                e.actor,
                e.tenant,
                e.source,
                e.data,
                None,
            ]
            for e in events
        ]
        await Runner(conn, "outbox").executemany(self._insert, rows)

    async def pending(self, limit: int = 100) -> list[DomainEvent]:
        table = self.db.schema.outbox
        async with self.db.transaction(write=False) as tx:
            conn = await tx.connection()
            dialect = conn.dialect
            params = Params(dialect)
            stmt = sql.select_where(
                dialect,
                table,
                _COLUMNS,
                ["published_at IS NULL"],
                params,
                f" ORDER BY id LIMIT {params.add(None)}",
            )
            rows = await Runner(conn, "outbox").fetch(stmt, [limit])
        return [
            DomainEvent(
                id=r["id"],
                type=r["type"],
                doctype=r["doctype"],
                document_id=r["document_id"],
                document_name=r["document_name"],
                time=r["time"],
                actor=r["actor"],
                data=r["data"],
                tenant=r["tenant"],
                source=r["source"],
            )
            for r in rows
        ]

    async def mark_published(self, event_ids: Sequence[UUID]) -> None:
        if not event_ids:
            return
        async with self.db.transaction(write=True, autocommit=True) as tx:
            conn = await tx.connection()
            await Runner(conn, "outbox").execute(self._mark, [datetime.now(UTC), list(event_ids)])
