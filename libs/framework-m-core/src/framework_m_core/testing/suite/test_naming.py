"""Naming: unique series numbers under concurrency, field and format naming, unique_together."""

from __future__ import annotations

import asyncio

import pytest

from ...errors import DuplicateName, ValidationError
from ..adapters import requires
from ..doctypes import KitCustomer, KitInvoice, KitSlot
from ..plugin import KitEnv

__all__ = [
    "test_insert_many_names_a_series_in_order",
    "test_naming_counter_is_atomic_under_concurrency",
    "test_naming_counter_reserves_blocks",
    "test_naming_field_duplicate_is_rejected",
    "test_naming_format_counts_per_prefix",
    "test_naming_series_unique_under_concurrent_creates",
    "test_unique_together_is_enforced",
]


@pytest.mark.anyio
@requires("concurrent_naming")
async def test_naming_series_unique_under_concurrent_creates(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Many"})
    invoices = await asyncio.gather(
        *(kit.kernel.create(kit.admin, KitInvoice, {"customer": customer.id}) for _ in range(100))
    )
    names = [str(invoice.name) for invoice in invoices]
    assert len(set(names)) == 100
    assert set(names) == {f"KINV-2026-{n:05d}" for n in range(1, 101)}
    page = await kit.kernel.list(kit.admin, KitInvoice, limit=1000, fields=["name"])
    assert sorted(row["name"] for row in page.items) == sorted(names)


@pytest.mark.anyio
@requires("concurrent_naming")
async def test_naming_counter_is_atomic_under_concurrency(kit: KitEnv) -> None:
    counter = kit.adapters.naming_counter
    assert await counter.current("kit-series") == 0
    numbers = await asyncio.gather(*(counter.next("kit-series") for _ in range(100)))
    assert sorted(numbers) == list(range(1, 101))
    assert await counter.current("kit-series") == 100
    # Keys count independently; keys differing only in case or accents are different keys.
    assert await counter.next("KIT-SERIES") == 1
    assert await counter.next("kit-séries") == 1
    assert await counter.next("kit-series") == 101


@pytest.mark.anyio
async def test_naming_field_duplicate_is_rejected(kit: KitEnv) -> None:
    first = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "  Dup  "})
    assert first.name == "Dup"
    with pytest.raises(DuplicateName):
        await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Dup"})
    # Names are case-sensitive: a different case is a different name.
    other = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "dup"})
    assert other.name == "dup"
    assert await kit.kernel.count(kit.admin, KitCustomer) == 2
    with pytest.raises(ValidationError):
        await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "   "})


@pytest.mark.anyio
async def test_naming_format_counts_per_prefix(kit: KitEnv) -> None:
    names = [
        (await kit.kernel.create(kit.admin, KitSlot, {"code": code, "slot": slot})).name
        for code, slot in (("A", 1), ("B", 1), ("A", 2), ("Ä", 1), ("A", 3), ("B", 2))
    ]
    assert names == ["A-0001", "B-0001", "A-0002", "Ä-0001", "A-0003", "B-0002"]


@pytest.mark.anyio
@requires("unique_together")
async def test_unique_together_is_enforced(kit: KitEnv) -> None:
    await kit.kernel.create(kit.admin, KitSlot, {"code": "A", "slot": 1})
    b1 = await kit.kernel.create(kit.admin, KitSlot, {"code": "B", "slot": 1})
    with pytest.raises(DuplicateName):
        await kit.kernel.create(kit.admin, KitSlot, {"code": "A", "slot": 1})
    with pytest.raises(DuplicateName):
        await kit.kernel.update(kit.admin, KitSlot, b1.id, {"code": "A"})
    assert (await kit.kernel.get(kit.admin, KitSlot, b1.id)) == b1
    # Another value in any field of the group is fine.
    await kit.kernel.create(kit.admin, KitSlot, {"code": "A", "slot": 2})
    await kit.kernel.create(kit.admin, KitSlot, {"code": "a", "slot": 1})
    assert await kit.kernel.count(kit.admin, KitSlot) == 4


@pytest.mark.anyio
async def test_naming_counter_reserves_blocks(kit: KitEnv) -> None:
    counter = kit.adapters.naming_counter
    assert await counter.next("BLOCK-#") == 1
    assert await counter.next("BLOCK-#", 10) == 11
    assert await counter.next("BLOCK-#") == 12
    assert await counter.current("BLOCK-#") == 12


@pytest.mark.anyio
async def test_insert_many_names_a_series_in_order(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Batch"})
    first = await kit.kernel.create(kit.admin, KitInvoice, {"customer": customer.id})
    batch = await kit.kernel.insert_many(
        kit.admin, KitInvoice, [{"customer": customer.id} for _ in range(5)]
    )
    number = int(str(first.name).rsplit("-", 1)[1])
    assert [d.name for d in batch] == [f"KINV-2026-{number + i:05d}" for i in range(1, 6)]
