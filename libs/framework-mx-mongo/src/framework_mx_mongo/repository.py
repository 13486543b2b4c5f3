"""Mongo Repository: one collection per DocType, child tables embedded in their parent document.

Every call is one round trip: a page with its children is one ``find``, an update checks the version
in the ``replace_one`` filter itself, and a batch of inserts is one ``insert_many``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from framework_m_core.errors import NotFound, VersionConflict
from framework_m_core.meta import DocTypeMeta
from framework_m_core.query import Filter, Query
from framework_m_core.types import Record, Transaction

from .codec import DELETED_AT, ID, encode_value, from_document, to_document
from .database import Document, MongoDatabase, mongo_tx
from .errors import translated
from .filters import compile_filter, sort_spec, visible


class MongoRepository:
    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    def describe(self) -> dict[str, str]:
        """What ``m info`` shows: where the documents live, password hidden."""
        return dict(self.database.describe())

    async def insert(self, tx: Transaction, meta: DocTypeMeta, records: Sequence[Record]) -> None:
        if not records:
            return
        session = await self.database.writable(mongo_tx(tx))
        collection = await self.database.of(meta)
        with translated(meta.name):
            documents = [to_document(meta, r) for r in records]
            await collection.insert_many(documents, ordered=True, session=session)

    async def _one(
        self, tx: Transaction, meta: DocTypeMeta, match: Document, include_deleted: bool
    ) -> Record | None:
        session = mongo_tx(tx).session
        collection = await self.database.of(meta)
        with translated(meta.name):
            found = await collection.find_one(visible(match, include_deleted), session=session)
        return None if found is None else from_document(meta, found)

    async def get(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, include_deleted: bool = False
    ) -> Record | None:
        return await self._one(tx, meta, {ID: id}, include_deleted)

    async def get_by_name(
        self, tx: Transaction, meta: DocTypeMeta, name: str, *, include_deleted: bool = False
    ) -> Record | None:
        return await self._one(tx, meta, {"name": {"$eq": name}}, include_deleted)

    async def list(self, tx: Transaction, meta: DocTypeMeta, query: Query) -> list[Record]:
        session = mongo_tx(tx).session
        where = visible(compile_filter(meta, query.filters), query.include_deleted)
        fields = query.fields
        projection: dict[str, int] | None = None
        if fields is not None:
            fields = tuple(f for f in fields if f in meta.fields)
            projection = {(ID if f == "id" else f): 1 for f in fields}
        collection = await self.database.of(meta)
        with translated(meta.name):
            cursor = collection.find(
                where,
                projection,
                sort=sort_spec(query.sort_keys),
                skip=query.offset,
                limit=query.limit,
                session=session,
            )
            return [from_document(meta, d, fields) async for d in cursor]

    async def count(
        self,
        tx: Transaction,
        meta: DocTypeMeta,
        filters: Filter | None,
        *,
        include_deleted: bool = False,
    ) -> int:
        session = mongo_tx(tx).session
        where = visible(compile_filter(meta, filters), include_deleted)
        collection = await self.database.of(meta)
        with translated(meta.name):
            return await collection.count_documents(where, session=session)

    async def _missing_or_stale(
        self, meta: DocTypeMeta, session: Any, id: UUID, expected: int | None
    ) -> Exception:
        collection = await self.database.of(meta)
        current = await collection.find_one(
            {ID: id, DELETED_AT: {"$eq": None}}, {"version": 1, "name": 1}, session=session
        )
        if current is None:
            return NotFound(
                f"{meta.name} {id} not found", details={"doctype": meta.name, "id": str(id)}
            )
        return VersionConflict(
            f"{meta.name} {current.get('name')} was changed by someone else "
            f"(version {current.get('version')}, you had {expected})",
            details={"doctype": meta.name, "current_version": current.get("version")},
        )

    async def update(
        self, tx: Transaction, meta: DocTypeMeta, record: Record, *, expected_version: int
    ) -> None:
        session = await self.database.writable(mongo_tx(tx))
        match = {ID: record["id"], "version": expected_version, DELETED_AT: {"$eq": None}}
        collection = await self.database.of(meta)
        with translated(meta.name):
            document = to_document(meta, record)
            result = await collection.replace_one(match, document, session=session)
            if result.matched_count != 1:
                raise await self._missing_or_stale(meta, session, record["id"], expected_version)

    async def mark_deleted(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int, at: datetime
    ) -> None:
        session = await self.database.writable(mongo_tx(tx))
        match = {ID: id, "version": expected_version, DELETED_AT: {"$eq": None}}
        change = {"$set": {DELETED_AT: encode_value("datetime", at)}}
        collection = await self.database.of(meta)
        with translated(meta.name):
            result = await collection.update_one(match, change, session=session)
            if result.matched_count != 1:
                raise await self._missing_or_stale(meta, session, id, expected_version)

    async def delete(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int | None = None
    ) -> None:
        session = await self.database.writable(mongo_tx(tx))
        match: Document = {ID: id}
        if expected_version is not None:
            match["version"] = expected_version
        collection = await self.database.of(meta)
        with translated(meta.name):
            result = await collection.delete_one(match, session=session)
            if result.deleted_count == 1:
                return
            found = await collection.find_one({ID: id}, {"version": 1, "name": 1}, session=session)
        if found is None:
            raise NotFound(
                f"{meta.name} {id} not found", details={"doctype": meta.name, "id": str(id)}
            )
        raise VersionConflict(
            f"{meta.name} {found.get('name')} was changed by someone else",
            details={"doctype": meta.name, "current_version": found.get("version")},
        )
