"""``SqlEngine`` and ``SqlConnection``: SQLAlchemy Core's Engine and Connection, awaitable — for schema
work (creating and comparing tables, Alembic migrations). Requests never come here; they run on the
driver connections of ``connections.py``.

Why not ``sqlalchemy.ext.asyncio``: importing it imports the ORM too (through its session module),
about 6 MB of every server process, which uses Core only. What makes SQLAlchemy asynchronous lives
below that extension anyway: its asyncio dialects (asyncpg, aiosqlite) are synchronous dialects whose
driver calls suspend the caller when they run inside ``greenlet_spawn``. Each method here runs its
synchronous counterpart that way, so events, pooling, type processing and errors are those of a plain
synchronous Core engine — and several steps that belong together (check out, set options, BEGIN) can
share one hand-off.

Results come back buffered (an asyncio dialect fetches the rows when the statement runs) with the
driver's cursor already released: aiosqlite's cursor must be closed with an ``await``, which reading
the rows later, outside the greenlet, could not do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.pool import Pool
from sqlalchemy.util.concurrency import greenlet_spawn

from .pool import to_completion

P = ParamSpec("P")
T = TypeVar("T")
Parameters = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
"""One set of bound values, or a list of them (run as one ``executemany``)."""


async def _released(result: sa.CursorResult[Any]) -> sa.CursorResult[Any]:
    # A result without rows closed its cursor already (``cursor`` is None then). The hook is the one
    # SQLAlchemy's own asyncio extension calls (an asyncio cursor's, since SQLAlchemy 2.0.44).
    release = getattr(result.cursor, "_async_soft_close", None)
    if release is not None:
        await release()
    return result


def _check_out(engine: sa.Engine, options: Mapping[str, Any], begin: bool) -> sa.Connection:
    conn = engine.connect()
    try:
        if options:
            conn.execution_options(**options)
        if begin:
            conn.begin()
    except BaseException:
        conn.close()
        raise
    return conn


def _finish(conn: sa.Connection, commit: bool) -> None:
    try:
        if commit:
            conn.commit()
        else:
            conn.rollback()
    finally:
        conn.close()


class SqlConnection:
    """A connection checked out of a ``SqlEngine``'s pool; ``close`` (or ``finish``) returns it."""

    __slots__ = ("sync_connection",)

    def __init__(self, sync_connection: sa.Connection) -> None:
        self.sync_connection = sync_connection

    @property
    def dialect(self) -> Dialect:
        return self.sync_connection.dialect

    async def execute(
        self, statement: sa.Executable, parameters: Parameters = None
    ) -> sa.CursorResult[Any]:
        result = await greenlet_spawn(self.sync_connection.execute, statement, parameters)
        return await _released(result)

    async def exec_driver_sql(
        self, statement: str, parameters: Parameters = None
    ) -> sa.CursorResult[Any]:
        result = await greenlet_spawn(self.sync_connection.exec_driver_sql, statement, parameters)
        return await _released(result)

    async def scalar(self, statement: sa.Executable, parameters: Parameters = None) -> Any:
        """The first column of the first row, or None without rows."""
        return (await self.execute(statement, parameters)).scalar()

    async def run_sync(
        self, fn: Callable[Concatenate[sa.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``fn(connection, ...)`` with the synchronous connection, e.g. for Alembic or inspection."""
        return await greenlet_spawn(partial(fn, self.sync_connection, *args, **kwargs))

    async def execution_options(self, **options: Any) -> SqlConnection:
        """Set options on this connection (in place, as Core does) and return it."""
        await greenlet_spawn(self.sync_connection.execution_options, **options)
        return self

    async def begin(self) -> None:
        await greenlet_spawn(self.sync_connection.begin)

    async def commit(self) -> None:
        await greenlet_spawn(self.sync_connection.commit)

    async def rollback(self) -> None:
        await greenlet_spawn(self.sync_connection.rollback)

    async def close(self) -> None:
        await greenlet_spawn(self.sync_connection.close)

    async def finish(self, *, commit: bool) -> None:
        """COMMIT (or ROLLBACK), then close — also when the COMMIT fails — in one hand-off."""
        await greenlet_spawn(_finish, self.sync_connection, commit)

    async def invalidate(self) -> None:
        """Discard the driver connection: the pool will not hand it out again."""
        await greenlet_spawn(self.sync_connection.invalidate)

    async def driver_connection(self) -> Any:
        """The driver's own connection (asyncpg's or aiosqlite's), for work done on it directly."""
        sync = self.sync_connection
        if sync.invalidated:  # reconnecting is I/O
            return (await greenlet_spawn(getattr, sync, "connection")).driver_connection
        return sync.connection.driver_connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlConnection]:
        """BEGIN; COMMIT when the block ends normally, ROLLBACK when it raises."""
        await self.begin()
        try:
            yield self
        except BaseException:
            await self.rollback()
            raise
        await self.commit()

    async def __aenter__(self) -> SqlConnection:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await to_completion(self.close())


class _CheckOut:
    """What ``SqlEngine.connect`` returns: ``await`` it for a connection you close yourself, or enter
    it with ``async with`` to have the connection closed at the end of the block."""

    __slots__ = ("_begin", "_connection", "_engine", "_options")

    def __init__(self, engine: SqlEngine, options: Mapping[str, Any], begin: bool) -> None:
        self._engine = engine
        self._options = options
        self._begin = begin
        self._connection: SqlConnection | None = None

    async def _open(self) -> SqlConnection:
        sync = self._engine.sync_engine
        return SqlConnection(await greenlet_spawn(_check_out, sync, self._options, self._begin))

    def __await__(self) -> Generator[Any, None, SqlConnection]:
        return self._open().__await__()

    async def __aenter__(self) -> SqlConnection:
        self._connection = await self._open()
        return self._connection

    async def __aexit__(self, *exc_info: object) -> None:
        if self._connection is not None:
            await to_completion(self._connection.close())


class SqlEngine:
    """A Core engine on an asyncio driver; create with ``create_engine``, ``dispose`` at shutdown."""

    __slots__ = ("sync_engine",)

    def __init__(self, sync_engine: sa.Engine) -> None:
        dialect = sync_engine.dialect
        if not dialect.is_async:
            raise ValueError(
                f"{dialect.name}+{dialect.driver} is not an asyncio driver "
                "(use postgresql+asyncpg or sqlite+aiosqlite)"
            )
        self.sync_engine = sync_engine

    @property
    def dialect(self) -> Dialect:
        return self.sync_engine.dialect

    @property
    def url(self) -> sa.URL:
        return self.sync_engine.url

    @property
    def pool(self) -> Pool:
        return self.sync_engine.pool

    def connect(
        self, options: Mapping[str, Any] | None = None, *, begin: bool = False
    ) -> _CheckOut:
        """A connection from the pool with execution ``options`` set and, with ``begin``, a
        transaction begun: one hand-off for what would otherwise be three."""
        return _CheckOut(self, options or {}, begin)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[SqlConnection]:
        """A connection in a transaction, committed when the block ends normally."""
        async with self.connect() as conn, conn.transaction():
            yield conn

    async def dispose(self) -> None:
        """Close the pool's connections; the engine opens new ones if used again."""
        await greenlet_spawn(self.sync_engine.dispose)


def schema_engine(url: str, server_settings: Mapping[str, str], echo: bool = False) -> SqlEngine:
    """An engine for schema work on ``url``, its connections set up like the request connections:
    SQLite in WAL mode with foreign keys on and ``BEGIN IMMEDIATE`` for connections given the
    ``framework_m_write`` execution option; PostgreSQL connections with ``server_settings``.

    Without a pool: schema work is rare, and it should not keep connections open."""
    from .dialects import SQLITE, dialect_of

    if dialect_of(url) is SQLITE:
        engine = create_engine(url, echo=echo, poolclass=sa.NullPool)
        _sqlite_setup(engine)
        return engine
    # Connected as the request pool connects (``postgres_dsn``): SQLAlchemy's own reading of the
    # URL's query would pass libpq parameters such as ``sslmode`` to asyncpg as arguments.
    import asyncpg  # type: ignore[import-untyped]

    from .connections import postgres_dsn

    dsn, settings = postgres_dsn(url), dict(server_settings)

    def creator() -> Any:
        return engine.sync_engine.dialect.dbapi.connect(  # type: ignore[union-attr]
            async_creator_fn=lambda: asyncpg.connect(dsn, server_settings=settings)
        )

    engine = create_engine(url.partition("?")[0], echo=echo, poolclass=sa.NullPool, creator=creator)
    return engine


def _sqlite_setup(engine: SqlEngine) -> None:
    from .connections import SQLITE_PRAGMAS

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get("framework_m_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_engine(url: str | sa.URL, **options: Any) -> SqlEngine:
    """``sqlalchemy.create_engine`` for an asyncio driver (``postgresql+asyncpg``,
    ``sqlite+aiosqlite``), with the same options."""
    return SqlEngine(sa.create_engine(url, **options))
