"""How field kinds are stored and come back, on SQLite and on PostgreSQL: exact decimals with their
scale, instants in UTC, native UUIDs, JSON, selects as checked strings, SQL NULL versus JSON null."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any, Literal
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from pydantic import BaseModel, Field

from framework_m_core import (
    App,
    CallerContext,
    DocType,
    DuplicateName,
    LinkValidation,
    ValidationError,
)
from framework_m_core.testing import AdapterProvider
from framework_m_standard.sql._request.errors import DriverError
from framework_m_standard.sql._schema.ddl import sa_table
from framework_m_standard.sql.testing import PostgresProvider, SqlKernel, open_kernel

pytestmark = pytest.mark.anyio

ADMIN = CallerContext.for_user("root@example.com", "Administrator")
UTC = dt.UTC


class Priority(StrEnum):
    LOW = "Low"
    HIGH = "High"


class Level(IntEnum):
    ONE = 1
    TWO = 2


class Address(BaseModel):
    city: str
    zip: str | None = None
    lines: list[str] = []


class Specimen(DocType):
    exact: Decimal | None = None
    money: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    whole_digits: Decimal | None = Field(default=None, max_digits=10)
    at: dt.datetime | None = None
    ref: UUID | None = None
    priority: Priority = Priority.LOW
    level: Level = Level.ONE
    kind: Literal["a", "b"] = "a"
    address: Address | None = None
    data: dict[str, Any] = {}
    tags: list[str] = []
    note: str | None = None


APP = App(name="types", doctypes=[Specimen])


async def _raw(env: SqlKernel, doc_id: UUID, *columns: str) -> sa.Row[Any]:
    """The stored values of ``columns``, read through SQLAlchemy (JSON columns as their text)."""
    table = sa_table(env.database.schema.tables(env.kernel.meta(Specimen)).table, sa.MetaData())
    selected = [
        sa.cast(table.c[c], sa.Text).label(c) if c in ("address", "data") else table.c[c]
        for c in columns
    ]
    async with env.database.engine().connect() as conn:
        return (await conn.execute(sa.select(*selected).where(table.c.id == doc_id))).one()


async def _roundtrip(env: SqlKernel, **values: Any) -> Any:
    """Create, then read back both through ``get`` and through ``list``; both must agree."""
    created = await env.kernel.create(ADMIN, Specimen, values)
    got = await env.kernel.get(ADMIN, Specimen, created.id)
    listed = await env.kernel.list(ADMIN, Specimen, filters={"id": str(created.id)})
    assert listed.items == [got]
    return got


EXACT = [
    "1.10",
    "0.1000",
    "0",
    "100",
    "-0.000000000000000000001",
    "12345678901234567890.123456789012",
]


async def test_decimals_keep_every_digit_and_their_scale(sql_provider: AdapterProvider) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        for text in EXACT:
            got = await _roundtrip(env, exact=Decimal(text))
            # Same digits and same exponent: 1.10 stays 1.10, never 1.1 or 1.1000000000.
            assert got.exact.as_tuple() == Decimal(text).as_tuple(), text
        # A field with decimal_places comes back with exactly that many places on both databases.
        for text, stored in [("1.1", "1.10"), ("0.05", "0.05"), ("9999999999.99", "9999999999.99")]:
            got = await _roundtrip(env, money=Decimal(text))
            assert got.money.as_tuple() == Decimal(stored).as_tuple(), text
        # max_digits alone limits the digits, not the places (PostgreSQL's NUMERIC(p) would round).
        got = await _roundtrip(env, whole_digits=Decimal("1.5"))
        assert got.whole_digits.as_tuple() == Decimal("1.5").as_tuple()
        # Comparisons are numeric whatever the scale.
        found = await env.kernel.list(ADMIN, Specimen, filters=[["exact", "=", "1.1"]])
        assert [d.exact for d in found.items] == [Decimal("1.10")]


async def test_datetimes_come_back_as_the_same_instant_in_utc(
    sql_provider: AdapterProvider,
) -> None:
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    pacific = dt.timezone(dt.timedelta(hours=-8))
    written = dt.datetime(2024, 3, 10, 23, 30, 15, 123456, tzinfo=india)
    async with open_kernel(sql_provider, [APP]) as env:
        got = await _roundtrip(env, at=written)
        assert got.at == written
        assert got.at.tzinfo is UTC
        assert got.at == dt.datetime(2024, 3, 10, 18, 0, 15, 123456, tzinfo=UTC)
        assert got.at.isoformat() == "2024-03-10T18:00:15.123456+00:00"
        assert got.creation.tzinfo is UTC
        assert got.modified.tzinfo is UTC
        # A filter written in another offset finds the same instant.
        same_instant = written.astimezone(pacific)
        found = await env.kernel.list(ADMIN, Specimen, filters=[["at", "=", same_instant]])
        assert [d.id for d in found.items] == [got.id]
        earlier = await env.kernel.list(ADMIN, Specimen, filters=[["at", "<", same_instant]])
        assert earlier.items == []


async def test_naive_datetimes_are_refused_as_invalid_input(sql_provider: AdapterProvider) -> None:
    """The Kernel refuses them first; the adapter would too (its bind check raises, translated)."""
    async with open_kernel(sql_provider, [APP]) as env:
        with pytest.raises(ValidationError, match="timezone") as caught:
            await env.kernel.create(ADMIN, Specimen, {"at": dt.datetime(2024, 1, 1, 12, 0)})
        assert caught.value.errors[0]["loc"] == ["at"]
        assert await env.kernel.count(ADMIN, Specimen) == 0


async def test_text_postgresql_cannot_store_is_invalid_input(
    postgres_provider: PostgresProvider,
) -> None:
    """PostgreSQL text cannot hold NUL (SQLite's can): a data exception, reported as bad input."""
    async with open_kernel(postgres_provider, [APP]) as env:
        with pytest.raises(ValidationError, match="Specimen has a value the database cannot store"):
            await env.kernel.create(ADMIN, Specimen, {"note": "a\x00b"})
        assert await env.kernel.count(ADMIN, Specimen) == 0


async def test_uuids_round_trip_and_are_native_on_postgresql(
    sql_provider: AdapterProvider,
) -> None:
    ref = uuid4()
    async with open_kernel(sql_provider, [APP]) as env:
        got = await _roundtrip(env, ref=ref)
        assert got.ref == ref
        assert isinstance(got.ref, UUID)
        found = await env.kernel.list(ADMIN, Specimen, filters={"ref": str(ref)})
        assert [d.id for d in found.items] == [got.id]
        if isinstance(sql_provider, PostgresProvider):
            async with env.database.engine().connect() as conn:
                columns = await conn.run_sync(
                    lambda sync: {
                        c["name"]: c["type"] for c in sa.inspect(sync).get_columns("specimen")
                    }
                )
            assert isinstance(columns["id"], sa.Uuid)
            assert isinstance(columns["ref"], sa.Uuid)
            raw = await _raw(env, got.id, "ref")
            assert raw.ref == ref


async def test_json_values_and_nested_models_round_trip(sql_provider: AdapterProvider) -> None:
    address = Address(city="Zürich 東京 🚀", zip="8001", lines=["Bahnhofstr. 1", 'c/o "M"'])
    data = {
        "nested": {"list": [1, 2.5, True, None, "x"], "empty": {}},
        "unicode": "naïve",
        "big": 2**53,
        "none": None,
    }
    async with open_kernel(sql_provider, [APP]) as env:
        got = await _roundtrip(env, address=address, data=data, tags=["a", "ä", ""])
        assert got.address == address
        assert isinstance(got.address, Address)
        assert got.data == data
        assert got.tags == ["a", "ä", ""]


async def test_optional_nested_model_none_is_sql_null_and_json_null_stays_inside(
    sql_provider: AdapterProvider,
) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        empty = await _roundtrip(env, address=None)
        oslo = await _roundtrip(env, address=Address(city="Oslo"), data={"k": None})
        assert empty.address is None
        assert oslo.address == Address(city="Oslo", zip=None)
        assert oslo.data == {"k": None}

        raw_empty = await _raw(env, empty.id, "address", "data")
        raw_oslo = await _raw(env, oslo.id, "address", "data")
        # None is SQL NULL, not the JSON literal null, so is_set / is_not_set see it.
        assert raw_empty.address is None
        assert json.loads(raw_empty.data) == {}
        # Inside a document, None stays a JSON null (the key is kept).
        assert json.loads(raw_oslo.address) == {"city": "Oslo", "zip": None, "lines": []}
        assert json.loads(raw_oslo.data) == {"k": None}

        unset = await env.kernel.list(ADMIN, Specimen, filters=[["address", "is", "not set"]])
        is_set = await env.kernel.list(ADMIN, Specimen, filters=[["address", "is", "set"]])
        assert [d.id for d in unset.items] == [empty.id]
        assert [d.id for d in is_set.items] == [oslo.id]


async def test_selects_are_stored_as_values_and_checked_by_the_database(
    sql_provider: AdapterProvider,
) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        doc = await _roundtrip(env, priority=Priority.HIGH, level=Level.TWO, kind="b")
        assert (doc.priority, doc.level, doc.kind) == (Priority.HIGH, Level.TWO, "b")
        raw = await _raw(env, doc.id, "priority", "level", "kind")
        # The enum's value, not its member name, is what the column holds.
        assert (raw.priority, raw.level, raw.kind) == ("High", 2, "b")
        assert type(raw.priority) is str
        assert type(raw.level) is int

        meta = env.kernel.meta(Specimen)
        repository, uow = env.adapters.repository, env.adapters.unit_of_work
        async with uow.transaction(readonly=True) as tx:
            record = await repository.get(tx, meta, doc.id)
        assert record is not None
        for column, bad in (("priority", "Urgent"), ("level", 7), ("kind", "c")):
            invalid = {**record, "id": uuid4(), "name": f"bad {column}", column: bad}
            with pytest.raises(ValidationError, match="Specimen violates a constraint") as caught:
                async with uow.transaction() as tx:
                    await repository.insert(tx, meta, [invalid])
            assert not isinstance(caught.value, LinkValidation | DuplicateName)
            assert isinstance(caught.value.__cause__, DriverError)
            assert type(caught.value.__cause__.orig).__name__ in (
                "IntegrityError",  # sqlite3
                "CheckViolationError",  # asyncpg
            )
            assert column in str(caught.value), caught.value
        assert await env.kernel.count(ADMIN, Specimen) == 1
