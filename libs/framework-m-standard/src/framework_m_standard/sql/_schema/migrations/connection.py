"""The one connection a migration run uses: a single transaction, and SQLite made safe for table rebuilds.

A run (all pending revisions) is one transaction on both SQLite and PostgreSQL: a failing revision
leaves the database exactly as it was, version table included.

SQLite cannot alter most columns, so Alembic rebuilds the table (create a copy, copy the rows, drop the
original, rename). With foreign keys enforced, dropping the original would delete — through
``ON DELETE CASCADE`` — every child row pointing at it. SQLite's documented procedure is to switch
enforcement off *outside* the transaction, rebuild, then run ``PRAGMA foreign_key_check`` before
committing; that is what happens here, and a dangling reference rolls the whole run back.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from framework_m_core.errors import ConfigurationError

from ..._request.errors import translated
from ...database import DEFAULT_BIND, SqlDatabase
from ..engine import WRITE_OPTION, driver_connection


def database_exists(db: SqlDatabase) -> bool:
    """False for a SQLite file that is not there yet — so read-only commands (status, history, the
    start-up check) do not create an empty database file as a side effect."""
    url = sa.make_url(db.config.url)
    if url.get_backend_name() != "sqlite":
        return True
    name = url.database or ""
    return name in ("", ":memory:") or name.startswith("file:") or Path(name).exists()


async def _pragma(conn: AsyncConnection, statement: str) -> None:
    """A PRAGMA on the raw driver connection: through SQLAlchemy it would start a transaction first,
    and ``foreign_keys`` is ignored inside one."""
    driver = await driver_connection(conn)
    cursor = await driver.execute(f"PRAGMA {statement}")
    await cursor.close()


async def _dangling_references(conn: AsyncConnection) -> list[str]:
    rows = [tuple(row) for row in await conn.exec_driver_sql("PRAGMA foreign_key_check")]
    return [f"{table} row {rowid} → {parent}" for table, rowid, parent, *_ in rows[:5]]


@asynccontextmanager
async def migration_connection(db: SqlDatabase, *, write: bool) -> AsyncIterator[AsyncConnection]:
    """A connection of the default database inside one transaction, committed when the block ends
    without an error and rolled back otherwise. ``write=True`` takes SQLite's write lock up front
    (``BEGIN IMMEDIATE``) and suspends foreign-key enforcement as described above."""
    lock = db.write_lock(DEFAULT_BIND) if write else None
    guard: AbstractAsyncContextManager[Any] = lock if lock is not None else nullcontext()
    sqlite = db.dialect(DEFAULT_BIND) == "sqlite"
    if sqlite and write:
        folder = Path(sa.make_url(db.config.url).database or ".").parent
        os.makedirs(folder, exist_ok=True)
    async with guard:
        with translated("schema"):
            conn = await db.engine(DEFAULT_BIND).connect()
        try:
            if sqlite and write:
                await _pragma(conn, "foreign_keys = OFF")
            if write:
                await conn.execution_options(**{WRITE_OPTION: True})
            with translated("schema"):
                async with conn.begin():
                    yield conn
                    if sqlite and write:
                        dangling = await _dangling_references(conn)
                        if dangling:
                            raise ConfigurationError(
                                "the migration would leave links pointing at missing rows "
                                f"({'; '.join(dangling)}); nothing was changed"
                            )
        finally:
            try:
                if sqlite and write:
                    await _pragma(conn, "foreign_keys = ON")
            finally:
                await conn.close()
