"""SQL UnitOfWork: a transaction on the application's database(s)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from framework_m_core.types import Transaction

from .database import SqlDatabase


class SqlUnitOfWork:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Transaction]:
        async with self.db.transaction(write=not readonly) as tx:
            yield tx
