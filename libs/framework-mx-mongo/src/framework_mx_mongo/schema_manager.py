"""Mongo SchemaManager: collections, indexes and (optionally) a ``$jsonSchema`` validator per DocType.

MongoDB needs no migration to add a field: documents written before it read back with the field
as None, exactly as a new nullable SQL column does. ``sync`` creates what is missing and replaces
validators; it never drops data. Renaming or removing a field is a data migration (see
docs/mongodb.md).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import CollectionInvalid, OperationFailure

from framework_m_core.errors import ConfigurationError
from framework_m_core.meta import DocTypeMeta, FieldSpec

from .codec import DELETED_AT, ID
from .database import Document, MongoDatabase
from .errors import translated
from .naming_counter import COLLECTION as NAMING_COLLECTION
from .outbox import COLLECTION as OUTBOX_COLLECTION

log = logging.getLogger("framework_mx_mongo")

_DUPLICATE_KEY = 11000
_COMMAND_NOT_FOUND = 59
_BSON_TYPES: dict[str, list[str]] = {
    "data": ["string"],
    "select": ["string", "int", "long"],
    "int": ["int", "long"],
    "float": ["double", "int", "long"],
    "bool": ["bool"],
    "decimal": ["decimal"],
    "date": ["date"],
    "datetime": ["date"],
    "time": ["string"],
    "uuid": ["binData"],
    "link": ["binData"],
    "table": ["array"],
}


def _property(meta: DocTypeMeta, spec: FieldSpec) -> dict[str, Any]:
    if spec.kind == "json":
        return {}  # any JSON value
    types = list(_BSON_TYPES[spec.kind])
    if spec.nullable or not spec.required:
        types.append("null")
    schema: dict[str, Any] = {"bsonType": types}
    if spec.kind == "select" and spec.options:
        schema["enum"] = [*spec.options, *([None] if "null" in types else [])]
    if spec.kind == "table":
        schema["items"] = json_schema(meta.children[spec.name], child=True)
    return schema


def json_schema(meta: DocTypeMeta, *, child: bool = False) -> dict[str, Any]:
    """The ``$jsonSchema`` a collection enforces for ``meta``'s documents (types, select options)."""
    properties = {
        (ID if name == "id" and not child else name): _property(meta, spec)
        for name, spec in meta.fields.items()
    }
    if not child:
        properties[DELETED_AT] = {"bsonType": ["date", "null"]}
    required = [ID, "name", "version"] if not child else ["id"]
    return {"bsonType": "object", "required": required, "properties": properties}


def indexes(meta: DocTypeMeta) -> list[IndexModel]:
    def key(fields: Sequence[str]) -> list[tuple[str, int]]:
        return [(ID if f == "id" else f, ASCENDING) for f in fields]

    models = [
        IndexModel([("name", ASCENDING)], name="name_unique", unique=True),
        IndexModel([("owner", ASCENDING)], name="owner"),
        IndexModel([("modified", DESCENDING), (ID, ASCENDING)], name="modified"),
    ]
    models += [IndexModel(key(group), name="_".join(group)) for group in meta.options.indexes]
    models += [
        IndexModel(key(group), name="_".join(group) + "_unique", unique=True)
        for group in meta.options.unique_together
    ]
    return models


def unsafe_changes(meta: DocTypeMeta, stored: Document) -> list[str]:
    """What the new schema of ``meta`` refuses in documents valid under ``stored`` (the old one)."""
    old = stored.get("properties") or {}
    new = json_schema(meta)["properties"]
    problems: list[str] = []
    for name, spec in meta.fields.items():
        key = ID if name == "id" else name
        if key not in old:
            if spec.required and not spec.nullable:
                problems.append(f"new field {name!r} is required and has no default")
            continue
        before = set(old[key].get("bsonType") or [])
        after = set(new[key].get("bsonType") or [])
        if before and after and not before <= after:
            problems.append(f"field {name!r} changed type ({sorted(before)} -> {sorted(after)})")
    return problems


class MongoSchemaManager:
    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    async def sync(self, metas: Sequence[DocTypeMeta]) -> None:
        db = self.database.db
        with translated():
            existing = {
                c["name"]: c.get("options") or {} async for c in await db.list_collections()
            }
            for meta in metas:
                if meta.options.is_child:
                    continue  # children live inside their parent's documents
                await self._collection(meta, existing.get(meta.name))
                try:
                    await db[meta.name].create_indexes(indexes(meta))
                except OperationFailure as exc:
                    if exc.code != _DUPLICATE_KEY:
                        raise
                    raise ConfigurationError(
                        f"{meta.name}: stored documents break a unique index of the DocType "
                        f"(Meta.unique_together or name): {exc.details or exc}; fix the documents "
                        "first"
                    ) from None
            await db[OUTBOX_COLLECTION].create_indexes(
                [IndexModel([("published_at", ASCENDING), (ID, ASCENDING)], name="pending")]
            )
            if NAMING_COLLECTION not in existing:
                with contextlib.suppress(CollectionInvalid):
                    await db.create_collection(NAMING_COLLECTION)
        self.database.forget_collections()

    async def _collection(self, meta: DocTypeMeta, current: Document | None) -> None:
        """Create the collection, or replace its validator when the DocType changed."""
        db = self.database.db
        options: Document = {}
        if self.database.config.validators:
            options = {
                "validator": {"$jsonSchema": json_schema(meta)},
                "validationLevel": "strict",
                "validationAction": "error",
            }
        if current is None:
            # Another process starting up at the same time may have created it first.
            with contextlib.suppress(CollectionInvalid):
                await db.create_collection(meta.name, **options)
            return
        if not options or current.get("validator") == options["validator"]:
            return
        stored = (current.get("validator") or {}).get("$jsonSchema")
        if stored and await db[meta.name].find_one({}, {"_id": 1}) is not None:
            unsafe = unsafe_changes(meta, stored)
            if unsafe:
                raise ConfigurationError(
                    f"{meta.name} changed in ways its stored documents do not satisfy: "
                    f"{'; '.join(unsafe)}. Give new fields a default, or migrate the documents "
                    "first (see docs/mongodb.md, What differs)"
                )
        try:
            await db.command({"collMod": meta.name, **options})
        except OperationFailure as exc:
            if exc.code != _COMMAND_NOT_FOUND and "unsupported" not in str(exc):
                raise
            # Some MongoDB-compatible servers cannot change a validator; the old one stays.
            log.warning("%s: the server cannot replace validators; keeping the old one", meta.name)

    async def drop(self, metas: Sequence[DocTypeMeta]) -> None:
        with translated():
            for meta in metas:
                if not meta.options.is_child:
                    await self.database.db.drop_collection(meta.name)
        self.database.forget_collections()
