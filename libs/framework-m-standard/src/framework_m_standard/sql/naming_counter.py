"""SQL NamingCounter: one atomic upsert per number, never holding a row across a document's save.

PostgreSQL runs ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in its own short transaction on a
separate small pool. SQLite has a single writer anyway: inside a write transaction the upsert joins it
(a second connection would wait for the lock that transaction holds), otherwise it runs on its own.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .database import SqlDatabase
from .engine import SqlConnection
from .errors import translated


class SqlNamingCounter:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def _upsert(self, dialect: str, key: str, count: int) -> Any:
        # Only the dialect in use is imported: a PostgreSQL server never loads SQLite's (0.6 MB).
        if dialect == "postgresql":
            from sqlalchemy.dialects import postgresql as dml
        else:
            from sqlalchemy.dialects import sqlite as dml  # type: ignore[no-redef]
        table = self.db.schema.naming
        return (
            dml.insert(table)
            .values(key=key, current=count)
            .on_conflict_do_update(
                index_elements=[table.c.key], set_={"current": table.c.current + count}
            )
            .returning(table.c.current)
        )

    async def _run(self, conn: SqlConnection, key: str, count: int) -> int:
        with translated("naming series"):
            result = await conn.execute(self._upsert(conn.dialect.name, key, count))
            return int(result.scalar_one())

    async def next(self, key: str, count: int = 1) -> int:
        if count < 1:
            raise ValueError("count must be at least 1")
        if self.db.dialect() == "postgresql":
            async with self.db.counter_engine().connect() as conn:
                return await self._run(conn, key, count)
        active = self.db.active.get()
        if active is not None and active.write and active.open:
            return await self._run(await active.connection(), key, count)
        async with self.db.transaction(write=True) as tx:
            return await self._run(await tx.connection(), key, count)

    async def current(self, key: str) -> int:
        table = self.db.schema.naming
        async with self.db.transaction(write=False) as tx:
            conn = await tx.connection()
            with translated("naming series"):
                value = (
                    await conn.execute(sa.select(table.c.current).where(table.c.key == key))
                ).scalar()
        return int(value or 0)
