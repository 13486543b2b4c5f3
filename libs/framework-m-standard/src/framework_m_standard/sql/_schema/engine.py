"""The SQLAlchemy engine schema work runs on: ``sqlalchemy.ext.asyncio``, set up like the request path.

Requests never come here (they run on the driver connections of ``_request/``); creating and comparing
tables and running migrations do. That is also why SQLAlchemy's own asyncio extension is used as it is,
although importing it loads the ORM too (its session module): schema work is not on the request path,
so what it imports does not count against a serving process's memory (ADR 0008).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from .._request.connections import SQLITE_PRAGMAS, postgres_dsn
from .._request.dialects import SQLITE, dialect_of

WRITE_OPTION = "framework_m_write"
"""Execution option of a SQLite connection that will write: its transactions take the write lock up
front (``BEGIN IMMEDIATE``), as the request path's writers do."""


def schema_engine(url: str, server_settings: Mapping[str, str], echo: bool = False) -> AsyncEngine:
    """An engine for schema work on ``url``, its connections set up like the request connections:
    SQLite in WAL mode with foreign keys on, ``BEGIN IMMEDIATE`` for connections given the
    ``framework_m_write`` execution option; PostgreSQL connected with the request path's DSN and
    ``server_settings``.

    Without a pool: schema work is rare, and it should not keep connections open."""
    if dialect_of(url) is SQLITE:
        engine = create_async_engine(url, echo=echo, poolclass=sa.NullPool)
        _sqlite_setup(engine)
        return engine
    import asyncpg  # type: ignore[import-untyped]

    # Connected as the request pool connects (``postgres_dsn``): SQLAlchemy's own reading of the
    # URL's query would pass libpq parameters such as ``sslmode`` to asyncpg as arguments.
    dsn, settings = postgres_dsn(url), dict(server_settings)

    async def connect() -> Any:
        return await asyncpg.connect(dsn, server_settings=settings or None)

    return create_async_engine(
        url.partition("?")[0], echo=echo, poolclass=sa.NullPool, async_creator=connect
    )


def _sqlite_setup(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


async def driver_connection(conn: AsyncConnection) -> Any:
    """The driver's own connection under ``conn`` (aiosqlite's or asyncpg's), for work SQLAlchemy
    would wrap in a transaction first (SQLite's ``PRAGMA foreign_keys`` is ignored inside one)."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection
