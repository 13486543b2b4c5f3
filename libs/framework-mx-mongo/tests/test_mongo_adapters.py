"""What is particular to MongoDB, checked on the stored BSON with a plain PyMongo client: exact types,
the validator, operator injection, configuration errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from bson.binary import Binary, UuidRepresentation
from bson.codec_options import CodecOptions
from bson.decimal128 import Decimal128
from pymongo.errors import WriteError

from framework_m_core import (
    CallerContext,
    ConfigurationError,
    DocType,
    DocTypeMeta,
    QueryError,
    ValidationError,
)
from framework_m_core.composition import Settings
from framework_m_core.ids import uuid7
from framework_m_core.query import Condition, Query
from framework_m_core.testing.doctypes import KitRecord
from framework_m_core.testing.plugin import KitEnv, open_kit
from framework_mx_mongo import MongoDatabase, mongo_config
from framework_mx_mongo.testing import MongoProvider

pytestmark = pytest.mark.anyio
ADMIN = CallerContext.for_user("admin@example.com", "Administrator")


@pytest.fixture
async def kit(mongo_url: str) -> AsyncIterator[KitEnv]:
    async with asynccontextmanager(open_kit)(MongoProvider(mongo_url)) as env:
        yield env


def _database(kit: KitEnv) -> MongoDatabase:
    database = kit.adapters.extra["database"]
    assert isinstance(database, MongoDatabase)
    return database


async def _raw(kit: KitEnv, collection: str, match: dict[str, Any]) -> dict[str, Any]:
    """The stored document as BSON types, UUIDs left as binary (no decoding by this package)."""
    db = _database(kit).db.with_options(
        codec_options=CodecOptions(uuid_representation=UuidRepresentation.UNSPECIFIED)
    )
    found = await db[collection].find_one(match)
    assert found is not None
    return found


async def test_values_are_stored_as_native_exact_bson_types(kit: KitEnv) -> None:
    at = dt.datetime(2024, 2, 29, 23, 30, 15, 123000, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    ref = UUID("0191f3a4-7b6c-7def-8123-456789abcdef")
    doc = await kit.kernel.create(
        kit.admin,
        KitRecord,
        {"title": "types", "amount": "0.100000", "at": at, "day": "2024-02-29", "ref": ref},
    )
    stored = await _raw(kit, "KitRecord", {"title": "types"})
    assert stored["_id"] == Binary(doc.id.bytes, 4)  # the standard UUID representation
    assert stored["ref"] == Binary(ref.bytes, 4)
    assert stored["amount"] == Decimal128("0.100000")  # exact, digits kept
    # A BSON date is UTC: the same instant as the +05:00 value.
    assert stored["at"] == dt.datetime(2024, 2, 29, 18, 30, 15, 123000)
    assert stored["day"] == dt.datetime(2024, 2, 29)
    assert "id" not in stored
    loaded = await kit.kernel.get(kit.admin, KitRecord, doc.id)
    assert loaded.at == at
    assert loaded.amount == Decimal("0.100000")


async def test_the_collection_validator_refuses_a_document_of_the_wrong_shape(
    kit: KitEnv,
) -> None:
    """Writes that bypass the Kernel (or a bug in one) still cannot store the wrong types."""
    doc = await kit.kernel.create(kit.admin, KitRecord, {"title": "shape"})
    collection = _database(kit).db["KitRecord"]
    with pytest.raises(WriteError, match=r"(?i)validation"):
        await collection.update_one({"_id": doc.id}, {"$set": {"count": "seven"}})
    meta = kit.kernel.meta(KitRecord)
    record = {**(await _record(kit, doc.id)), "count": "seven", "version": 2}
    with pytest.raises(ValidationError):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await kit.adapters.repository.update(tx, meta, record, expected_version=1)
    assert (await kit.kernel.get(kit.admin, KitRecord, doc.id)).version == 1


async def _record(kit: KitEnv, id: UUID) -> dict[str, Any]:
    async with kit.adapters.unit_of_work.transaction(readonly=True) as tx:
        found = await kit.adapters.repository.get(tx, kit.kernel.meta(KitRecord), id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("title", "=", {"$gt": ""}), []),  # an operator-looking value is data
        (Condition("title", "in", [{"$ne": None}]), []),
        (Condition("title", "like", "a.c"), ["a.c"]),  # regex metacharacters are literal
        (Condition("title", "like", ".*"), []),
        (Condition("title", "like", "a%"), ["abc", "a.c", "a\nb", "abc\n"]),  # % spans line breaks
        (Condition("title", "like", "(%"), ["(x"]),
        (Condition("title", "not_like", "a%"), ["(x", "zzz", "nul\x00"]),
        (Condition("title", "like", "abc"), ["abc"]),  # not "abc\n": the end anchor is strict
        (Condition("title", "like", "nul\x00"), ["nul\x00"]),
        (Condition("title", "like", "%%%c"), ["abc", "a.c"]),
    ],
)
async def test_filters_never_run_user_input_as_an_operator_or_a_pattern(
    kit: KitEnv, condition: Condition, expected: list[str]
) -> None:
    for title in ("abc", "a.c", "a\nb", "(x", "zzz", "abc\n", "nul\x00"):
        await kit.kernel.create(kit.admin, KitRecord, {"title": title})
    meta = kit.kernel.meta(KitRecord)
    async with kit.adapters.unit_of_work.transaction(readonly=True) as tx:
        rows = await kit.adapters.repository.list(
            tx, meta, Query(filters=condition, fields=("id", "title"))
        )
    assert sorted(r["title"] for r in rows) == sorted(expected)


def test_configuration_names_what_to_fix() -> None:
    with pytest.raises(ConfigurationError, match="FRAMEWORK_M_MONGO_URL"):
        mongo_config(Settings.model_validate({}))
    with pytest.raises(ConfigurationError, match=r"mongo\.url.*not a MongoDB connection string"):
        mongo_config(Settings.model_validate({"mongo": {"url": "postgres://nope"}}))
    with pytest.raises(ConfigurationError, match="FRAMEWORK_M_MONGO_URL"):
        mongo_config(Settings.model_validate({"mongo_url": "http://x"}))
    config = mongo_config(
        Settings.model_validate(
            {"mongo": {"url": "mongodb://a/ignored"}, "mongo_url": "mongodb://h:1/crm"}
        )
    )
    assert (config.url, config.database_name) == ("mongodb://h:1/crm", "crm")
    assert mongo_config(Settings.model_validate({"mongo_url": "mongodb://h"})).database_name == (
        "framework_m"
    )


async def test_an_operand_bson_cannot_hold_is_a_query_error(kit: KitEnv) -> None:
    meta = kit.kernel.meta(KitRecord)
    for condition in (Condition("amount", ">", Decimal("1e7000")), Condition("count", "=", 2**70)):
        with pytest.raises(QueryError):
            async with kit.adapters.unit_of_work.transaction(readonly=True) as tx:
                await kit.adapters.repository.list(tx, meta, Query(filters=condition))


async def test_a_write_in_a_unit_begun_as_a_read_is_still_one_transaction(kit: KitEnv) -> None:
    meta = kit.kernel.meta(KitRecord)
    doc = await kit.kernel.create(kit.admin, KitRecord, {"title": "template"})
    record = {**(await _record(kit, doc.id)), "id": uuid7(), "name": "copy"}

    async def write_then_fail() -> None:
        async with kit.adapters.unit_of_work.transaction(readonly=True) as tx:
            await kit.adapters.repository.insert(tx, meta, [record])
            raise RuntimeError("after the write")

    with pytest.raises(RuntimeError, match="after the write"):
        await write_then_fail()
    assert await kit.kernel.count(kit.admin, KitRecord) == 1


class ChangedRecord(DocType):
    title: str
    count: str | None = None  # was int | None


class StricterRecord(DocType):
    title: str
    code: str  # new and required, no default


class UniqueTitles(KitRecord):
    class Meta(KitRecord.Meta):
        unique_together = (("title",),)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (ChangedRecord, "field 'count' changed type"),
        (StricterRecord, "new field 'code' is required"),
        (UniqueTitles, "break a unique index"),
    ],
)
async def test_sync_refuses_changes_the_stored_documents_do_not_satisfy(
    kit: KitEnv, model: type[DocType], message: str
) -> None:
    for title in ("same", "same"):
        await kit.kernel.create(kit.admin, KitRecord, {"title": title, "count": 3})
    changed = DocTypeMeta.of(model, name="KitRecord")
    with pytest.raises(ConfigurationError, match=message):
        await kit.adapters.schema_manager.sync([changed])


class GrownRecord(KitRecord):
    """KitRecord after a release that added two fields."""

    priority: int = 3
    note: str | None = None


async def test_documents_written_before_a_field_existed_read_back_with_its_default(
    kit: KitEnv,
) -> None:
    old = await kit.kernel.create(kit.admin, KitRecord, {"title": "old"})
    grown = DocTypeMeta.of(GrownRecord, name="KitRecord")
    await kit.adapters.schema_manager.sync([grown])
    async with kit.adapters.unit_of_work.transaction(readonly=True) as tx:
        record = await kit.adapters.repository.get(tx, grown, old.id)
    assert record is not None
    assert (record["priority"], record["note"], record["title"]) == (3, None, "old")
