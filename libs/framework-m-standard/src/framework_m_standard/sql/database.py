"""``SqlDatabase``: the connection pools, tables and transactions shared by every SQL adapter of one app.

SQLite is a single-writer store: write transactions start with ``BEGIN IMMEDIATE`` behind an in-process
lock (so writers queue instead of failing with "database is locked"), run in WAL mode with foreign keys
on, from a small pool of file connections (``_request/pool.py``). PostgreSQL gets asyncpg's pool
(``_request/postgres_pool.py``), plus a small separate one for naming counters so a full main pool can
never starve them.

Requests run on driver connections (``_request/connections.py``) with statements built by this package.
Schema work — creating or comparing tables, migrations — runs on a SQLAlchemy engine (``engine()``),
created and imported only when such work is done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from framework_m_core.errors import AdapterError
from framework_m_core.meta import DocTypeMeta

from ._request.connections import Connection, Observer, SqliteConnection, postgres_dsn, sqlite_path
from ._request.dialects import SQLITE, Dialect, dialect_of
from ._request.errors import translated
from ._request.pool import ConnectionPool, Pool, PoolLimits
from ._request.tables import SqlSchema, Table
from .config import DatabaseConfig, redact

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

DEFAULT_BIND = "default"
COUNTERS = "naming counters"
log = logging.getLogger("framework_m.sql")


class SqlTransaction:
    """One unit of work: a connection per database touched, opened lazily, committed together.

    Across several databases the commits are sequential, not atomic (no two-phase commit)."""

    def __init__(self, db: SqlDatabase, *, write: bool, autocommit: bool = False) -> None:
        self.db = db
        self.write = write
        self.autocommit = autocommit
        self._connections: dict[str, tuple[ConnectionPool, Connection]] = {}
        self._locks: list[asyncio.Lock] = []
        self.open = True

    async def connection(self, bind: str = DEFAULT_BIND) -> Connection:
        if not self.open:
            raise AdapterError("the transaction is already closed")
        found = self._connections.get(bind)
        if found is not None:
            return found[1]
        lock = self.db.write_lock(bind) if self.write else None
        if lock is not None:
            await lock.acquire()
            self._locks.append(lock)
        pool = self.db.pool(bind)
        with translated():
            conn = await pool.acquire()
        self._connections[bind] = (pool, conn)
        # No BEGIN/COMMIT round trips: under READ COMMITTED every statement takes its own snapshot
        # anyway, so reads and single statements lose nothing by it. SQLite reads keep their BEGIN:
        # it is what gives a document and its children one snapshot there.
        if not (self.autocommit and conn.dialect.name == "postgresql"):
            with translated():
                await conn.begin(write=self.write)
        return conn

    async def for_meta(self, meta: DocTypeMeta) -> Connection:
        return await self.connection(self.db.bind_of(meta.name))

    async def close(self, *, commit: bool) -> None:
        self.open = False
        held = list(self._connections.values())
        self._connections.clear()
        try:
            with translated():
                for _pool, conn in held:
                    if conn.in_transaction:
                        await (conn.commit() if commit else conn.rollback())
        finally:
            # After a failed or cancelled COMMIT the others go back too (the pool rolls them
            # back), and all of them even if this task is cancelled while they do.
            await self._give_back(held)

    async def _give_back(self, held: list[tuple[ConnectionPool, Connection]]) -> None:
        interrupted: BaseException | None = None
        for pool, conn in held:
            try:
                await pool.release(conn)
            except BaseException as exc:  # cancelled; the release itself completed (Pool.release)
                interrupted = interrupted or exc
        for lock in self._locks:
            lock.release()
        self._locks.clear()
        if interrupted is not None:
            raise interrupted


class SqlDatabase:
    """Everything the SQL adapters of one application share; create once, ``dispose`` at shutdown.

    ``server_settings`` are PostgreSQL run-time parameters every connection starts with (e.g. a
    ``search_path``)."""

    def __init__(
        self, config: DatabaseConfig, *, server_settings: Mapping[str, str] | None = None
    ) -> None:
        self.config = config
        self.server_settings = dict(server_settings or {})
        self._pools: dict[str, ConnectionPool] = {}
        self._counter_pool: ConnectionPool | None = None
        self._engines: dict[str, AsyncEngine] = {}
        self._write_locks: dict[str, asyncio.Lock] = {}
        self._observers: dict[str, list[Observer]] = {}
        self.schema = SqlSchema(same_database=lambda a, b: self.bind_of(a) == self.bind_of(b))
        self.active: ContextVar[SqlTransaction | None] = ContextVar(
            f"framework_m_sql_{id(self)}", default=None
        )

    def bind_of(self, doctype: str) -> str:
        return self.config.doctypes.get(doctype, DEFAULT_BIND)

    def tables_by_bind(self, metas: Sequence[DocTypeMeta]) -> dict[str, list[Table]]:
        """The tables of ``metas`` grouped by database; the infra tables live in the default one."""
        grouped: dict[str, list[Table]] = {DEFAULT_BIND: list(self.schema.infra_tables)}
        for doc_tables in self.schema.build_all(metas):
            grouped.setdefault(self.bind_of(doc_tables.meta.name), []).extend(
                doc_tables.all_tables()
            )
        return grouped

    @property
    def binds(self) -> list[str]:
        return [DEFAULT_BIND, *self.config.binds]

    def dialect_of(self, bind: str = DEFAULT_BIND) -> Dialect:
        return dialect_of(self.config.bind_url(bind))

    def dialect(self, bind: str = DEFAULT_BIND) -> str:
        return self.dialect_of(bind).name

    def observers(self, bind: str = DEFAULT_BIND) -> list[Observer]:
        """Callables told the SQL of every statement sent on ``bind`` (``echo`` logs them); the
        naming counters' pool is ``bind`` "naming counters". Add and remove observers in place."""
        found = self._observers.get(bind)
        if found is None:
            found = self._observers[bind] = []
            if self.config.echo:
                found.append(lambda sql: log.info("%s", sql))
        return found

    def _pool(self, url: str, limits: PoolLimits, label: str) -> ConnectionPool:
        observers = self.observers(label)
        if dialect_of(url) is not SQLITE:
            from ._request.postgres_pool import PostgresPool  # asyncpg: only on PostgreSQL

            return PostgresPool(postgres_dsn(url), self.server_settings, limits, label, observers)
        path = sqlite_path(url)

        async def connect() -> SqliteConnection:
            return await SqliteConnection.open(path, observers)

        return Pool(connect, limits, label)

    def pool(self, bind: str = DEFAULT_BIND) -> ConnectionPool:
        found = self._pools.get(bind)
        if found is None:
            url = self.config.bind_url(bind)
            found = self._pools[bind] = self._pool(url, self._limits(url), bind)
        return found

    def _limits(self, url: str) -> PoolLimits:
        if dialect_of(url) is SQLITE:
            return PoolLimits()  # a few readers at once; writers queue on the write lock
        config = self.config
        return PoolLimits(
            size=config.pool_size,
            overflow=config.max_overflow,
            timeout=config.pool_timeout,
            recycle=config.pool_recycle,
            # A pre-ping costs a round trip on every checkout; recycling bounds a connection's age.
            pre_ping=config.pool_pre_ping,
            idle_timeout=config.pool_idle_timeout,
        )

    def write_lock(self, bind: str) -> asyncio.Lock | None:
        if self.dialect_of(bind) is not SQLITE:
            return None
        return self._write_locks.setdefault(bind, asyncio.Lock())

    def counter_pool(self) -> ConnectionPool:
        """PostgreSQL: a small pool of its own for naming counters. Each use is one atomic upsert,
        run without BEGIN/COMMIT."""
        if self._counter_pool is None:
            limits = PoolLimits(
                size=2,
                overflow=8,
                timeout=self.config.pool_timeout,
                pre_ping=True,
                idle_timeout=self.config.pool_idle_timeout,
            )
            self._counter_pool = self._pool(self.config.url, limits, COUNTERS)
        return self._counter_pool

    def engine(self, bind: str = DEFAULT_BIND) -> AsyncEngine:
        """A SQLAlchemy engine on ``bind`` for schema work (DDL, comparisons, migrations).

        SQLite's is set up like the request connections (WAL, foreign keys, ``BEGIN IMMEDIATE`` for
        writes); PostgreSQL's connections start with ``server_settings``."""
        found = self._engines.get(bind)
        if found is None:
            from ._schema.engine import schema_engine

            url = self.config.bind_url(bind)
            found = self._engines[bind] = schema_engine(url, self.server_settings, self.config.echo)
        return found

    @asynccontextmanager
    async def transaction(
        self, *, write: bool = True, autocommit: bool | None = None
    ) -> AsyncIterator[SqlTransaction]:
        """A unit of work; ``autocommit`` (default: for reads) skips BEGIN/COMMIT on PostgreSQL —
        use it for writes only when they are a single statement."""
        tx = SqlTransaction(
            self, write=write, autocommit=not write if autocommit is None else autocommit
        )
        token = self.active.set(tx)
        try:
            yield tx
        except BaseException:
            self.active.reset(token)
            await tx.close(commit=False)
            raise
        self.active.reset(token)
        await tx.close(commit=True)

    async def ping(self, bind: str = DEFAULT_BIND) -> None:
        """One round trip to ``bind``; raises a core error when it cannot be made."""
        async with self.transaction(write=False, autocommit=True) as tx:
            conn = await tx.connection(bind)
            with translated():
                await conn.ping()

    async def dispose(self) -> None:
        pools = [*self._pools.values(), *([self._counter_pool] if self._counter_pool else [])]
        self._pools.clear()
        self._counter_pool = None
        for pool in pools:
            await pool.dispose()
        engines = list(self._engines.values())
        self._engines.clear()
        for engine in engines:
            await engine.dispose()

    def describe(self) -> Mapping[str, str]:
        return {bind: redact(self.config.bind_url(bind)) for bind in self.binds}
