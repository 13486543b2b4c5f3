"""Mongo UnitOfWork: a client session, with a multi-document transaction around writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from framework_m_core.types import Transaction

from .database import MongoDatabase


class MongoUnitOfWork:
    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[Transaction]:
        # Reads need no transaction: a causally consistent session already sees its own writes.
        async with self.database.transaction(write=not readonly) as tx:
            yield tx
