"""Conformance-kit providers for the SQL adapters: SQLite files and PostgreSQL databases per set."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from framework_m_core.memory import MemoryCache, MemoryEventBus
from framework_m_core.testing import AdapterSet, Capabilities

from .config import DatabaseConfig
from .database import SqlDatabase
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


class PostgresProvider:
    """A uniquely named PostgreSQL database per adapter set, dropped afterwards."""

    capabilities = Capabilities()

    def __init__(self, admin_url: str | None = None, prefix: str = "fm_test") -> None:
        self.admin_url = admin_url or os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)
        self.prefix = prefix

    def _url(self, database: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + f"/{database}"

    @asynccontextmanager
    async def open(self) -> AsyncIterator[AdapterSet]:
        name = f"{self.prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
        admin = create_async_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                await conn.execute(
                    sa.text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
                )
            db = SqlDatabase(DatabaseConfig(url=self._url(name), pool_size=5, max_overflow=15))
            try:
                yield adapter_set(db)
            finally:
                await db.dispose()
                async with admin.connect() as conn:
                    await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            await admin.dispose()
