"""Mongo NamingCounter: one document per series in ``fm_naming_series``, bumped atomically."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from .database import MongoDatabase
from .errors import translated

COLLECTION = "fm_naming_series"


class MongoNamingCounter:
    """``$inc`` with ``upsert`` in one ``find_one_and_update``, outside the caller's transaction (a
    counter held by a long transaction would serialize every save of the series; numbers of a
    rolled-back save are skipped, as on PostgreSQL)."""

    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    async def next(self, key: str, count: int = 1) -> int:
        if count < 1:
            raise ValueError("count must be at least 1")
        await self.database.require_transactions()  # it decides single_writer
        if not self.database.single_writer:
            return await self._bump(key, count, None)
        # Single-writer servers: inside the caller's transaction (numbers of a rolled-back save are
        # then reused, as on SQLite), or alone as a write of its own.
        active = self.database.active.get()
        if active is not None and active.open:
            return await self._bump(key, count, await self.database.writable(active))
        async with self.database.transaction() as tx:
            return await self._bump(key, count, tx.session)

    async def _bump(self, key: str, count: int, session: AsyncClientSession | None) -> int:
        collection = self.database.collection(COLLECTION)

        async def bump() -> Any:
            return await collection.find_one_and_update(
                {"_id": key},
                {"$inc": {"current": count}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
                session=session,
            )

        with translated("naming series"):
            try:
                found = await bump()
            except DuplicateKeyError:  # two first calls upserted at once; the document exists now
                found = await bump()
        return int(found["current"])

    async def current(self, key: str) -> int:
        with translated("naming series"):
            found = await self.database.collection(COLLECTION).find_one({"_id": key})
        return 0 if found is None else int(found["current"])
