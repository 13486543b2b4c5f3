"""SQL Outbox: events in ``fm_outbox``, written in the document's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa

from framework_m_core.events import DomainEvent
from framework_m_core.types import Transaction

from .database import SqlDatabase
from .errors import translated
from .repository import sql_tx


class SqlOutbox:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db
        # Built once: a statement object reused keeps SQLAlchemy from recomputing its cache key.
        table = db.schema.outbox
        self._insert = sa.insert(table)
        self._mark = (
            sa.update(table)
            .where(
                table.c.id.in_(sa.bindparam("ids", expanding=True)),
                table.c.published_at.is_(None),
            )
            .values(published_at=sa.bindparam("at", type_=table.c.published_at.type))
        )

    async def append(self, tx: Transaction, events: Sequence[DomainEvent]) -> None:
        if not events:
            return
        conn = await sql_tx(tx).connection()
        rows = [
            {
                "id": e.id,
                "type": e.type,
                "doctype": e.doctype,
                "document_id": e.document_id,
                "document_name": e.document_name,
                "time": e.time,
                "actor": e.actor,
                "tenant": e.tenant,
                "source": e.source,
                "data": e.data,
                "published_at": None,
            }
            for e in events
        ]
        with translated("outbox"):
            await conn.execute(self._insert, rows)

    async def pending(self, limit: int = 100) -> list[DomainEvent]:
        table = self.db.schema.outbox
        stmt = (
            sa.select(table).where(table.c.published_at.is_(None)).order_by(table.c.id).limit(limit)
        )
        async with self.db.transaction(write=False) as tx:
            conn = await tx.connection()
            with translated("outbox"):
                rows = (await conn.execute(stmt)).all()
        return [
            DomainEvent(
                id=r.id,
                type=r.type,
                doctype=r.doctype,
                document_id=r.document_id,
                document_name=r.document_name,
                time=r.time,
                actor=r.actor,
                data=r.data,
                tenant=r.tenant,
                source=r.source,
            )
            for r in rows
        ]

    async def mark_published(self, event_ids: Sequence[UUID]) -> None:
        if not event_ids:
            return
        async with self.db.transaction(write=True, autocommit=True) as tx:
            conn = await tx.connection()
            with translated("outbox"):
                await conn.execute(self._mark, {"ids": list(event_ids), "at": datetime.now(UTC)})
