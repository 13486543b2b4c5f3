"""CRUD through the Kernel: what every Repository/UnitOfWork pair must store and return faithfully."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from uuid import UUID

import pytest
from pydantic_core import to_jsonable_python

from ...doctype import DocStatus
from ...errors import NotFound, ValidationError
from ..adapters import requires
from ..doctypes import KitAddress, KitCustomer, KitInvoice, KitRecord, KitStatus
from ..plugin import KitEnv

__all__ = [
    "test_create_get_roundtrip_with_children",
    "test_create_then_get_by_id_and_by_name",
    "test_datetimes_keep_microseconds",
    "test_every_field_kind_roundtrips",
    "test_get_unknown_is_not_found",
    "test_large_values_roundtrip",
    "test_list_returns_what_get_returns",
    "test_listed_records_encode_like_their_documents",
    "test_none_values_roundtrip",
    "test_replace_resets_unspecified_fields",
    "test_unicode_roundtrips_exactly",
    "test_update_merges_partial_changes",
]

EVERY_KIND = {
    "title": "every kind",
    "count": 9_007_199_254_740_991,
    "ratio": 0.1,
    "flag": True,
    "amount": Decimal("123456789012.123456"),
    "day": dt.date(1999, 12, 31),
    "at": dt.datetime(
        2024, 2, 29, 23, 30, 15, 123000, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
    ),
    "clock": dt.time(23, 59, 58, 999999),
    "ref": UUID("0191f3a4-7b6c-7def-8123-456789abcdef"),
    "status": KitStatus.CLOSED,
    "kind": "c",
    "tags": ["x", "ü", "🚀", ""],
    "data": {"nested": {"list": [1, 2.5, True, None, "ß"]}, "empty": {}, "n": None},
    "address": KitAddress(city="Zürich", zip="8001"),
    "body": "line one\nline two\ttabbed",
}


@pytest.mark.anyio
async def test_create_get_roundtrip_with_children(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Ünïcødé GmbH 🚀"})
    invoice = await kit.kernel.create(
        kit.admin,
        KitInvoice,
        {
            "customer": customer.id,
            "lines": [
                {"item": "b", "qty": 2, "rate": "1.5"},
                {"item": "a", "qty": 1, "rate": "0.1"},
            ],
            "taxes": [{"account": "VAT", "rate": "0.19"}],
        },
    )
    loaded = await kit.kernel.get(kit.admin, KitInvoice, invoice.id)
    assert loaded == invoice
    assert [line.item for line in loaded.lines] == ["b", "a"]
    assert [line.idx for line in loaded.lines] == [1, 2]
    assert loaded.total == Decimal("3.1")
    assert loaded.customer_name == "Ünïcødé GmbH 🚀"
    assert loaded.docstatus is DocStatus.DRAFT
    assert invoice.name is not None
    by_name = await kit.kernel.get(kit.admin, KitInvoice, invoice.name)
    assert by_name.id == invoice.id


@pytest.mark.anyio
async def test_get_unknown_is_not_found(kit: KitEnv) -> None:
    with pytest.raises(NotFound):
        await kit.kernel.get(kit.admin, KitCustomer, "nobody")
    with pytest.raises(NotFound):
        await kit.kernel.get(kit.admin, KitCustomer, UUID("0191f3a4-7b6c-7def-8123-000000000000"))


@pytest.mark.anyio
async def test_create_then_get_by_id_and_by_name(kit: KitEnv) -> None:
    created = await kit.kernel.create(
        kit.admin, KitCustomer, {"customer_name": "Acme", "city": "Oslo"}
    )
    assert created.name == "Acme"
    assert created.version == 1
    assert created.owner == kit.admin.user
    by_id = await kit.kernel.get(kit.admin, KitCustomer, created.id)
    by_text_id = await kit.kernel.get(kit.admin, KitCustomer, str(created.id))
    by_name = await kit.kernel.get(kit.admin, "KitCustomer", "Acme")
    assert by_id == by_text_id == by_name == created


@pytest.mark.anyio
@requires("microsecond_datetimes")
async def test_datetimes_keep_microseconds(kit: KitEnv) -> None:
    at = dt.datetime(2024, 2, 29, 23, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    created = await kit.kernel.create(kit.admin, KitRecord, {"title": "precise", "at": at})
    loaded = await kit.kernel.get(kit.admin, KitRecord, created.id)
    assert loaded.at == at
    assert loaded.at.microsecond == (at.astimezone(loaded.at.tzinfo)).microsecond == 123456
    page = await kit.kernel.list(kit.admin, KitRecord, filters=[["at", "=", at]])
    assert [d.id for d in page.items] == [created.id]


@pytest.mark.anyio
async def test_every_field_kind_roundtrips(kit: KitEnv) -> None:
    created = await kit.kernel.create(kit.admin, KitRecord, EVERY_KIND)
    loaded = await kit.kernel.get(kit.admin, KitRecord, created.id)
    assert loaded == created
    for field, value in EVERY_KIND.items():
        assert getattr(loaded, field) == value, field
    # Decimal keeps every digit; the aware datetime is the same instant and still aware.
    assert loaded.amount == Decimal("123456789012.123456")
    assert str(loaded.amount.normalize()) == "123456789012.123456"
    assert loaded.at.utcoffset() is not None
    assert loaded.at.astimezone(dt.UTC) == dt.datetime(
        2024, 2, 29, 18, 0, 15, 123000, tzinfo=dt.UTC
    )
    assert loaded.creation.utcoffset() is not None
    assert loaded.status is KitStatus.CLOSED
    assert isinstance(loaded.ref, UUID)
    assert isinstance(loaded.count, int)
    assert type(loaded.ratio) is float
    assert loaded.address == KitAddress(city="Zürich", zip="8001")


@pytest.mark.anyio
async def test_none_values_roundtrip(kit: KitEnv) -> None:
    created = await kit.kernel.create(kit.admin, KitRecord, {"title": "nothing"})
    loaded = await kit.kernel.get(kit.admin, KitRecord, created.id)
    assert loaded == created
    for field in ("count", "ratio", "amount", "day", "at", "clock", "ref", "status", "kind"):
        assert getattr(loaded, field) is None, field
    assert (loaded.address, loaded.body) == (None, None)
    assert (loaded.flag, loaded.tags, loaded.data) == (False, [], {})
    # Setting values back to None round-trips too.
    filled = await kit.kernel.update(kit.admin, KitRecord, created.id, EVERY_KIND | {"title": "t"})
    emptied = await kit.kernel.update(
        kit.admin,
        KitRecord,
        filled.id,
        {"count": None, "amount": None, "at": None, "address": None, "body": None, "status": None},
    )
    reloaded = await kit.kernel.get(kit.admin, KitRecord, created.id)
    assert reloaded == emptied
    assert (reloaded.count, reloaded.amount, reloaded.at, reloaded.address, reloaded.body) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert reloaded.day == EVERY_KIND["day"]


@pytest.mark.anyio
async def test_update_merges_partial_changes(kit: KitEnv) -> None:
    created = await kit.kernel.create(kit.admin, KitRecord, EVERY_KIND)
    updated = await kit.kernel.update(kit.admin, KitRecord, created.id, {"count": 7, "tags": []})
    loaded = await kit.kernel.get(kit.admin, KitRecord, created.id)
    assert loaded == updated
    assert (loaded.count, loaded.tags, loaded.version) == (7, [], 2)
    for field, value in EVERY_KIND.items():
        if field not in ("count", "tags"):
            assert getattr(loaded, field) == value, field
    assert loaded.creation == created.creation
    assert loaded.modified > created.modified
    # Standard fields in the changes are ignored; the id and name never change.
    again = await kit.kernel.update(
        kit.admin, KitRecord, created.id, {"name": "renamed", "version": 99, "ratio": 2.0}
    )
    assert (again.name, again.version, again.ratio) == (created.name, 3, 2.0)


@pytest.mark.anyio
async def test_replace_resets_unspecified_fields(kit: KitEnv) -> None:
    created = await kit.kernel.create(kit.admin, KitRecord, EVERY_KIND)
    replaced = await kit.kernel.update(
        kit.admin, KitRecord, created.id, {"title": "only this"}, replace=True
    )
    loaded = await kit.kernel.get(kit.admin, KitRecord, created.id)
    assert loaded == replaced
    assert (loaded.title, loaded.count, loaded.tags, loaded.address) == (
        "only this",
        None,
        [],
        None,
    )
    assert (loaded.id, loaded.name, loaded.creation) == (created.id, created.name, created.creation)


@pytest.mark.anyio
async def test_unicode_roundtrips_exactly(kit: KitEnv) -> None:
    decomposed = "Cafe\u0301 e\u0301\u0301"  # combining accents must not be normalized
    samples = [
        "🚀👩‍👩‍👧‍👦 emoji with ZWJ",
        "漢字かなカナ한국어",
        decomposed,
        "مرحبا بالعالم",
        "\u200b zero width \ufeff",
        "\U0001d518\U0001d52b\U0001d526 outside the BMP \U00010348",
        "quotes ' \" ` and \\ backslash % _",
    ]
    created = [
        await kit.kernel.create(kit.admin, KitRecord, {"title": s, "tags": [s], "data": {s: s}})
        for s in samples
    ]
    for doc, text in zip(created, samples, strict=True):
        loaded = await kit.kernel.get(kit.admin, KitRecord, doc.id)
        assert loaded.title == text
        assert len(loaded.title) == len(text)
        assert (loaded.tags, loaded.data) == ([text], {text: text})
    named = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": decomposed})
    assert (await kit.kernel.get(kit.admin, KitCustomer, decomposed)).id == named.id
    composed = unicodedata.normalize("NFC", decomposed)
    assert composed != decomposed
    with pytest.raises(NotFound):
        await kit.kernel.get(kit.admin, KitCustomer, composed)
    page = await kit.kernel.list(kit.admin, KitRecord, filters={"title": composed})
    assert page.items == []
    page = await kit.kernel.list(kit.admin, KitRecord, filters={"title": decomposed})
    assert [doc.id for doc in page.items] == [created[2].id]


@pytest.mark.anyio
@requires("large_values")
async def test_large_values_roundtrip(kit: KitEnv) -> None:
    body = "ü🚀a\n" * 600_000  # 2.4 million characters, about 5 MB of UTF-8
    created = await kit.kernel.create(
        kit.admin, KitRecord, {"title": "large", "body": body, "tags": ["t" * 1000] * 200}
    )
    loaded = await kit.kernel.get(kit.admin, KitRecord, created.id)
    assert loaded.body == body
    assert loaded.tags == ["t" * 1000] * 200
    updated = await kit.kernel.update(kit.admin, KitRecord, created.id, {"body": body + "end"})
    assert (await kit.kernel.get(kit.admin, KitRecord, created.id)).body == updated.body


@pytest.mark.anyio
async def test_list_returns_what_get_returns(kit: KitEnv) -> None:
    created = await kit.kernel.create(kit.admin, KitRecord, EVERY_KIND)
    await kit.kernel.create(kit.admin, KitRecord, {"title": "other"})
    page = await kit.kernel.list(kit.admin, KitRecord, filters={"title": "every kind"})
    assert page.items == [created]
    with pytest.raises(ValidationError):
        await kit.kernel.create(kit.admin, KitRecord, {"title": "x", "kind": "z"})


@pytest.mark.anyio
async def test_listed_records_encode_like_their_documents(kit: KitEnv) -> None:
    """``list(records=True)`` hands out stored records for callers that only encode them (the HTTP
    API does): as JSON they must be exactly the documents, children and every field kind included."""
    await kit.kernel.create(kit.admin, KitRecord, EVERY_KIND)
    await kit.kernel.create(kit.admin, KitRecord, {"title": "nulls"})
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Encoders Ltd"})
    await kit.kernel.create(
        kit.admin,
        KitInvoice,
        {
            "customer": customer.id,
            "lines": [{"item": "a", "qty": 2, "rate": "1.25"}, {"item": "b", "note": "ß"}],
            "taxes": [{"account": "VAT", "rate": "0.19"}],
        },
    )
    for doctype in (KitRecord, KitInvoice):
        assert kit.kernel.meta(doctype).serves_records
        documents = await kit.kernel.list(kit.admin, doctype, order_by="creation")
        records = await kit.kernel.list(kit.admin, doctype, order_by="creation", records=True)
        assert all(isinstance(r, dict) for r in records.items)
        assert [to_jsonable_python(r) for r in records.items] == [
            d.model_dump(mode="json") for d in documents.items
        ]
