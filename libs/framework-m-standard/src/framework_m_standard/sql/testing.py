"""Test support for the SQL adapters: fresh SQLite files and PostgreSQL schemas or databases, a Kernel
over them, and a log of the statements a block of code sends.

``SqliteProvider`` and ``PostgresProvider`` are the conformance kit's providers; ``open_kernel`` is the SQL
twin of core's ``in_memory_kernel`` for an application's own tests.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from framework_m_core import App, Kernel, MetaRegistry
from framework_m_core.builtin import app as core_app
from framework_m_core.memory import MemoryCache, MemoryEventBus
from framework_m_core.ports import Clock, IdGenerator
from framework_m_core.testing import AdapterProvider, AdapterSet, Capabilities, build_kernel

from ._request.connections import postgres_dsn
from .config import DatabaseConfig
from .database import DEFAULT_BIND, SqlDatabase
from .naming_counter import SqlNamingCounter
from .outbox import SqlOutbox
from .repository import SqlRepository
from .schema_manager import SqlSchemaManager
from .unit_of_work import SqlUnitOfWork

POSTGRES_URL_ENV = "FRAMEWORK_M_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def adapter_set(db: SqlDatabase) -> AdapterSet:
    return AdapterSet(
        repository=SqlRepository(db),
        unit_of_work=SqlUnitOfWork(db),
        schema_manager=SqlSchemaManager(db),
        naming_counter=SqlNamingCounter(db),
        outbox=SqlOutbox(db),
        event_bus=MemoryEventBus(),
        cache=MemoryCache(),
        extra={"database": db},
    )


def database_of(adapters: AdapterSet) -> SqlDatabase:
    """The ``SqlDatabase`` behind a set opened by one of this module's providers."""
    db = adapters.extra.get("database")
    if not isinstance(db, SqlDatabase):
        raise TypeError("this adapter set was not opened by an SQL provider")
    return db


class SqliteProvider:
    """A fresh SQLite file per adapter set, removed afterwards."""

    capabilities = Capabilities()

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory

    @asynccontextmanager
    async def open(self) -> AsyncIterator[AdapterSet]:
        with tempfile.TemporaryDirectory(dir=self.directory, prefix="fm-sqlite-") as folder:
            db = SqlDatabase(DatabaseConfig(url=f"sqlite+aiosqlite:///{folder}/kit.sqlite3"))
            try:
                yield adapter_set(db)
            finally:
                await db.dispose()


def unique_name(prefix: str) -> str:
    """A PostgreSQL identifier no other test process or set uses."""
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"


async def admin(admin_url: str, *statements: str) -> list[Any]:
    """Run ``statements`` one by one on a new connection of ``admin_url`` (outside any transaction,
    as ``CREATE DATABASE`` needs); the first column of each result's first row, or None."""
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(postgres_dsn(admin_url))
    try:
        return [await conn.fetchval(statement) for statement in statements]
    finally:
        await conn.close()


def database_url(admin_url: str, database: str) -> str:
    """``admin_url`` pointing at another database of the same server."""
    return admin_url.rsplit("/", 1)[0] + f"/{database}"


async def create_database(admin_url: str, prefix: str = "fm_test") -> str:
    """A new, empty database on the server of ``admin_url``, named uniquely after ``prefix``; its URL.
    Drop it with ``drop_database`` (``postgres_database`` does both around a block)."""
    name = unique_name(prefix)
    await admin(admin_url, f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    return database_url(admin_url, name)


async def drop_database(admin_url: str, url: str) -> None:
    """Drop the database of ``url`` (``WITH (FORCE)``, so connections a failed test left open do not
    keep it alive)."""
    name = url.rsplit("/", 1)[1]
    await admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def postgres_database(admin_url: str, prefix: str = "fm_test") -> AsyncIterator[str]:
    """A new, empty database on the server of ``admin_url``: yields its URL, drops it afterwards."""
    url = await create_database(admin_url, prefix)
    try:
        yield url
    finally:
        await drop_database(admin_url, url)


def _confined_to(schema: str) -> dict[str, str]:
    """Server settings that make a connection see only ``schema``. Its connections are tagged with
    ``application_name = schema`` so teardown can end any a failed test left behind, as
    ``DROP DATABASE … WITH (FORCE)`` would."""
    return {"search_path": f'"{schema}"', "application_name": schema}


_SCHEMA_HOSTS: dict[tuple[str, str], str] = {}
"""(admin URL, prefix) → URL of the database that holds this process's schema-isolated sets."""


async def _schema_host(admin_url: str, prefix: str) -> str:
    """This process's database for schema-isolated sets, created on first use, dropped at exit.

    A database of its own because a dropped schema leaves dead rows in its database's catalogs (only
    VACUUM reclaims them, and CI servers may run without autovacuum); dropping the whole database at
    exit takes them along, so the admin database is never touched."""
    found = _SCHEMA_HOSTS.get((admin_url, prefix))
    if found is not None:
        return found
    name = f"{prefix}_{os.getpid()}_sets"
    (exists,) = await admin(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if not exists:
        await admin(admin_url, f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    url = _SCHEMA_HOSTS[admin_url, prefix] = database_url(admin_url, name)
    atexit.register(_drop_at_exit, admin_url, name)
    return url


def _drop_at_exit(admin_url: str, name: str) -> None:
    try:
        asyncio.run(admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except Exception as exc:  # the server may be gone by now
        print(f"could not drop test database {name}: {exc}", file=sys.stderr)


class PostgresProvider:
    """A fresh, isolated PostgreSQL namespace per adapter set, removed afterwards.

    ``isolation="schema"`` (the default) gives each set a uniquely named schema and pins every
    connection's ``search_path`` to it: creating and dropping a schema costs milliseconds, a database a
    few hundred. The schemas live in one database per test process, created on the first set and dropped
    when the process exits. ``isolation="database"`` gives each set a whole database instead, for tests
    that need one (e.g. to connect to it by URL)."""

    capabilities = Capabilities()

    def __init__(
        self,
        admin_url: str | None = None,
        prefix: str = "fm_test",
        *,
        isolation: Literal["schema", "database"] = "schema",
    ) -> None:
        self.admin_url = admin_url or os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)
        self.prefix = prefix
        self.isolation = isolation

    def _config(self, url: str) -> DatabaseConfig:
        return DatabaseConfig(url=url, pool_size=5, max_overflow=15)

    @asynccontextmanager
    async def open(self) -> AsyncIterator[AdapterSet]:
        if self.isolation == "database":
            async with postgres_database(self.admin_url, self.prefix) as url:
                db = SqlDatabase(self._config(url))
                try:
                    yield adapter_set(db)
                finally:
                    await db.dispose()
            return
        host = await _schema_host(self.admin_url, self.prefix)
        schema = unique_name(self.prefix)
        await admin(host, f'CREATE SCHEMA "{schema}"')
        try:
            db = SqlDatabase(self._config(host), server_settings=_confined_to(schema))
            try:
                yield adapter_set(db)
            finally:
                await db.dispose()
        finally:
            await admin(
                host,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE application_name = '{schema}'",
                f'DROP SCHEMA IF EXISTS "{schema}" CASCADE',
            )


@dataclass
class SqlKernel:
    """A Kernel over one fresh SQL adapter set, and the database behind it."""

    kernel: Kernel
    database: SqlDatabase
    adapters: AdapterSet


@asynccontextmanager
async def open_kernel(
    provider: AdapterProvider,
    apps: Iterable[App],
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    sync: bool = True,
) -> AsyncIterator[SqlKernel]:
    """A Kernel for ``apps`` (after the built-in ``core`` app) over a fresh set from ``provider``, with
    their storage created unless ``sync`` is false; the set is closed on exit."""
    async with provider.open() as adapters:
        kernel = build_kernel(MetaRegistry([core_app, *apps]), adapters, clock=clock, ids=ids)
        if sync:
            await kernel.sync_schema()
        yield SqlKernel(kernel, database_of(adapters), adapters)


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class StatementLog:
    """SQL statements sent while a ``statements`` block ran, transaction control left out (SQLite's
    ``BEGIN`` is a statement, asyncpg's is not, so counting it would make the dialects differ)."""

    statements: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.statements)

    def describe(self) -> str:
        return "\n".join(f"{i}. {s}" for i, s in enumerate(self.statements, start=1))


@contextmanager
def statements(db: SqlDatabase, bind: str = DEFAULT_BIND) -> Iterator[StatementLog]:
    """Record the statements ``db`` sends on ``bind`` inside the block (each executemany counts once)."""
    log = StatementLog()

    def record(statement: str) -> None:
        text = " ".join(statement.split())
        if not text.upper().startswith(_TRANSACTION_CONTROL):
            log.statements.append(text)

    observers = db.observers(bind)
    observers.append(record)
    try:
        yield log
    finally:
        observers.remove(record)
