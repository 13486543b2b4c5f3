"""``SqlDatabase``: the engines, table cache and transactions shared by every SQL adapter of one app.

SQLite is a single-writer store: write transactions start with ``BEGIN IMMEDIATE`` behind an in-process
lock (so writers queue instead of failing with "database is locked"), run in WAL mode with foreign keys
on. PostgreSQL gets a connection pool, plus a small separate pool for naming counters so a full main pool
can never starve them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from framework_m_core.errors import AdapterError
from framework_m_core.meta import DocTypeMeta

from .config import DatabaseConfig, pool_options, redact
from .engine import SqlConnection, SqlEngine, create_engine
from .errors import translated
from .tables import SqlSchema

DEFAULT_BIND = "default"


def _sqlite_setup(engine: SqlEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode = WAL",
            "foreign_keys = ON",
            "busy_timeout = 30000",
            "synchronous = NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get("framework_m_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class SqlTransaction:
    """One unit of work: a connection per database touched, opened lazily, committed together.

    Across several databases the commits are sequential, not atomic (no two-phase commit)."""

    def __init__(self, db: SqlDatabase, *, write: bool, autocommit: bool = False) -> None:
        self.db = db
        self.write = write
        self.autocommit = autocommit
        self._connections: dict[str, SqlConnection] = {}
        self._locks: list[asyncio.Lock] = []
        self.open = True

    async def connection(self, bind: str = DEFAULT_BIND) -> SqlConnection:
        if not self.open:
            raise AdapterError("the transaction is already closed")
        conn = self._connections.get(bind)
        if conn is None:
            engine = self.db.engine(bind)
            lock = self.db.write_lock(bind) if self.write else None
            if lock is not None:
                await lock.acquire()
                self._locks.append(lock)
            options: dict[str, Any] = {}
            if self.write and engine.dialect.name == "sqlite":
                options["framework_m_write"] = True  # read by on_begin above
            # No BEGIN/COMMIT round trips: under READ COMMITTED every statement takes its own
            # snapshot anyway, so reads and single statements lose nothing by it.
            autocommit = self.autocommit and engine.dialect.name == "postgresql"
            if autocommit:
                options["isolation_level"] = "AUTOCOMMIT"
            with translated():
                conn = await engine.connect(options, begin=not autocommit)
            self._connections[bind] = conn
        return conn

    async def for_meta(self, meta: DocTypeMeta) -> SqlConnection:
        return await self.connection(self.db.bind_of(meta.name))

    async def close(self, *, commit: bool) -> None:
        self.open = False
        remaining = iter(list(self._connections.values()))
        self._connections.clear()
        try:
            with translated():
                for conn in remaining:
                    await conn.finish(commit=commit)
        finally:
            # After a failed COMMIT: the others go back to the pool, which rolls them back.
            for conn in remaining:
                await conn.close()
            for lock in self._locks:
                lock.release()
            self._locks.clear()


class SqlDatabase:
    """Everything the SQL adapters of one application share; create once, ``dispose`` at shutdown."""

    def __init__(self, config: DatabaseConfig) -> None:
        self.config = config
        self._engines: dict[str, SqlEngine] = {}
        self._write_locks: dict[str, asyncio.Lock] = {}
        self._counter_engine: SqlEngine | None = None
        self.schema = SqlSchema(same_database=lambda a, b: self.bind_of(a) == self.bind_of(b))
        self.active: ContextVar[SqlTransaction | None] = ContextVar(
            f"framework_m_sql_{id(self)}", default=None
        )

    def bind_of(self, doctype: str) -> str:
        return self.config.doctypes.get(doctype, DEFAULT_BIND)

    @property
    def binds(self) -> list[str]:
        return [DEFAULT_BIND, *self.config.binds]

    def engine(self, bind: str = DEFAULT_BIND) -> SqlEngine:
        found = self._engines.get(bind)
        if found is None:
            url = self.config.bind_url(bind)
            found = create_engine(url, echo=self.config.echo, **pool_options(self.config, url))
            if found.dialect.name == "sqlite":
                _sqlite_setup(found)
            self._engines[bind] = found
        return found

    def dialect(self, bind: str = DEFAULT_BIND) -> str:
        return self.engine(bind).dialect.name

    def write_lock(self, bind: str) -> asyncio.Lock | None:
        if self.dialect(bind) != "sqlite":
            return None
        return self._write_locks.setdefault(bind, asyncio.Lock())

    def counter_engine(self) -> SqlEngine:
        """PostgreSQL: a small pool of its own for naming counters. Each use is one atomic upsert,
        so its connections run in autocommit (no BEGIN/COMMIT round trips around it)."""
        if self._counter_engine is None:
            self._counter_engine = create_engine(
                self.config.url,
                pool_size=2,
                max_overflow=8,
                pool_pre_ping=True,
                isolation_level="AUTOCOMMIT",
            )
        return self._counter_engine

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

    async def dispose(self) -> None:
        for engine in [
            *self._engines.values(),
            *([self._counter_engine] if self._counter_engine else []),
        ]:
            await engine.dispose()
        self._engines.clear()
        self._counter_engine = None

    def describe(self) -> Mapping[str, str]:
        return {bind: redact(self.config.bind_url(bind)) for bind in self.binds}
