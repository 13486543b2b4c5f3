"""SQL NamingCounter: one atomic upsert per number, never holding a row across a document's save.

PostgreSQL runs ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on its own, without BEGIN/COMMIT, on a
separate small pool. SQLite has a single writer anyway: inside a write transaction the upsert joins it
(a second connection would wait for the lock that transaction holds), otherwise it runs on its own.
"""

from __future__ import annotations

from functools import cache

from ._request import statements as sql
from ._request.connections import Connection
from ._request.dialects import Dialect
from ._request.errors import translated
from ._request.pool import ConnectionPool
from ._request.statements import Params, Runner, Statement
from ._request.tables import NAMING
from .database import SqlDatabase


@cache
def _upsert(dialect: Dialect) -> Statement:
    params = Params(dialect)
    key, start, step = params.add(None), params.add(None), params.add(None)
    table, k, current = (dialect.quote(n) for n in (NAMING.name, "key", "current"))
    return Statement(
        f"INSERT INTO {table} ({k}, {current}) VALUES ({key}, {start}) "
        f"ON CONFLICT ({k}) DO UPDATE SET {current} = {table}.{current} + {step} "
        f"RETURNING {current}",
        params.binds,
        ("current",),
        (None,),
    )


@cache
def _current(dialect: Dialect) -> Statement:
    params = Params(dialect)
    (match,) = sql.equals(dialect, NAMING, ("key",), params)
    return Statement(
        f"SELECT {dialect.quote('current')} FROM {dialect.quote(NAMING.name)} WHERE {match}",
        params.binds,
        ("current",),
        (None,),
    )


class SqlNamingCounter:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    async def _run(self, conn: Connection, key: str, count: int) -> int:
        (row,) = await Runner(conn, "naming series").fetch(
            _upsert(conn.dialect), [key, count, count]
        )
        return int(row["current"])

    async def next(self, key: str, count: int = 1) -> int:
        if count < 1:
            raise ValueError("count must be at least 1")
        if self.db.dialect() == "postgresql":
            pool = self.db.counter_pool()
            conn = await self._checkout(pool)
            try:
                return await self._run(conn, key, count)
            finally:
                await pool.release(conn)
        active = self.db.active.get()
        if active is not None and active.write and active.open:
            return await self._run(await active.connection(), key, count)
        async with self.db.transaction(write=True) as tx:
            return await self._run(await tx.connection(), key, count)

    @staticmethod
    async def _checkout(pool: ConnectionPool) -> Connection:
        with translated("naming series"):
            return await pool.acquire()

    async def current(self, key: str) -> int:
        async with self.db.transaction(write=False) as tx:
            conn = await tx.connection()
            rows = await Runner(conn, "naming series").fetch(_current(conn.dialect), [key])
        return int(rows[0]["current"]) if rows else 0
