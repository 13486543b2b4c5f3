"""Child tables: stored with their parent, in the given order, never mixed between parents."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ..doctypes import KitCustomer, KitInvoice
from ..plugin import KitEnv

__all__ = [
    "test_children_list_loads_each_parents_rows",
    "test_children_never_leak_between_parents",
    "test_children_replace_keeps_given_order",
    "test_children_roundtrip",
]


async def _invoice(kit: KitEnv, lines: list[dict[str, Any]], **extra: Any) -> Any:
    customer = await kit.kernel.create(
        kit.admin, KitCustomer, {"customer_name": f"C{kit.kernel.ids.new_id()}"}
    )
    return await kit.kernel.create(
        kit.admin, KitInvoice, {"customer": customer.id, "lines": lines, **extra}
    )


@pytest.mark.anyio
async def test_children_roundtrip(kit: KitEnv) -> None:
    lines = [
        {"item": "Ünïcødé 🚀", "qty": 3, "rate": "123456789012.123456", "note": None},
        {"item": "漢字", "qty": 0, "rate": "-0.000001", "note": "n"},
        {"item": "third", "qty": 1},
    ]
    invoice = await _invoice(kit, lines, taxes=[{"account": "VAT", "rate": "0.19"}])
    loaded = await kit.kernel.get(kit.admin, KitInvoice, invoice.id)
    assert loaded == invoice
    assert [(r.item, r.qty, r.rate, r.note) for r in loaded.lines] == [
        ("Ünïcødé 🚀", 3, Decimal("123456789012.123456"), None),
        ("漢字", 0, Decimal("-0.000001"), "n"),
        ("third", 1, Decimal("0"), None),
    ]
    assert [r.idx for r in loaded.lines] == [1, 2, 3]
    assert len({r.id for r in loaded.lines}) == 3
    assert [(t.account, t.rate, t.idx) for t in loaded.taxes] == [("VAT", Decimal("0.19"), 1)]
    empty = await _invoice(kit, [])
    assert (await kit.kernel.get(kit.admin, KitInvoice, empty.id)).lines == []


@pytest.mark.anyio
async def test_children_replace_keeps_given_order(kit: KitEnv) -> None:
    invoice = await _invoice(kit, [{"item": i} for i in "abcde"])
    a, b, c, d, e = invoice.lines
    changes = {
        "lines": [
            e.model_dump(),
            {"item": "new", "qty": 2, "rate": "1.5"},
            c.model_dump() | {"qty": 9},
            a.model_dump(),
        ],
        "taxes": [{"account": "T1"}, {"account": "T2"}],
    }
    updated = await kit.kernel.update(kit.admin, KitInvoice, invoice.id, changes)
    loaded = await kit.kernel.get(kit.admin, KitInvoice, invoice.id)
    assert loaded == updated
    assert [r.item for r in loaded.lines] == ["e", "new", "c", "a"]
    assert [r.idx for r in loaded.lines] == [1, 2, 3, 4]
    assert [loaded.lines[i].id for i in (0, 2, 3)] == [e.id, c.id, a.id]
    assert loaded.lines[2].qty == 9
    assert not {b.id, d.id} & {r.id for r in loaded.lines}
    assert [t.account for t in loaded.taxes] == ["T1", "T2"]
    # Removing every row, then adding again.
    cleared = await kit.kernel.update(kit.admin, KitInvoice, invoice.id, {"lines": [], "taxes": []})
    assert (await kit.kernel.get(kit.admin, KitInvoice, invoice.id)) == cleared
    assert cleared.lines == []
    refilled = await kit.kernel.update(
        kit.admin, KitInvoice, invoice.id, {"lines": [{"item": "z"}]}
    )
    assert [r.item for r in (await kit.kernel.get(kit.admin, KitInvoice, invoice.id)).lines] == [
        "z"
    ]
    assert refilled.taxes == []
    # An update that does not mention a table leaves it alone.
    kept = await kit.kernel.update(kit.admin, KitInvoice, invoice.id, {"remarks": "hi"})
    assert [r.item for r in kept.lines] == ["z"]
    assert (await kit.kernel.get(kit.admin, KitInvoice, invoice.id)) == kept


@pytest.mark.anyio
async def test_children_never_leak_between_parents(kit: KitEnv) -> None:
    first = await _invoice(kit, [{"item": "1a"}, {"item": "1b"}])
    second = await _invoice(kit, [{"item": "2a"}])
    # Reusing another parent's row ids must not move or copy that parent's rows.
    stolen = [row.model_dump() for row in first.lines]
    await kit.kernel.update(kit.admin, KitInvoice, second.id, {"lines": stolen})
    await kit.kernel.update(
        kit.admin, KitInvoice, first.id, {"lines": [first.lines[1].model_dump()]}
    )
    one = await kit.kernel.get(kit.admin, KitInvoice, first.id)
    two = await kit.kernel.get(kit.admin, KitInvoice, second.id)
    assert [r.item for r in one.lines] == ["1b"]
    assert one.lines[0].id == first.lines[1].id
    assert [r.item for r in two.lines] == ["1a", "1b"]
    assert not {r.id for r in one.lines} & {r.id for r in two.lines}


@pytest.mark.anyio
async def test_children_list_loads_each_parents_rows(kit: KitEnv) -> None:
    expected = {}
    for n in range(6):
        invoice = await _invoice(kit, [{"item": f"{n}-{i}", "qty": i} for i in range(n)])
        expected[invoice.id] = [f"{n}-{i}" for i in range(n)]
    page = await kit.kernel.list(kit.admin, KitInvoice, limit=100)
    assert {doc.id: [r.item for r in doc.lines] for doc in page.items} == expected
    for doc in page.items:
        assert [r.idx for r in doc.lines] == list(range(1, len(doc.lines) + 1))
    # Children come with a field selection only when selected.
    rows = await kit.kernel.list(kit.admin, KitInvoice, fields=["name", "lines"], limit=100)
    assert {row["id"]: [r["item"] for r in row["lines"]] for row in rows.items} == expected
    rows = await kit.kernel.list(kit.admin, KitInvoice, fields=["name"], limit=100)
    assert all(set(row) == {"id", "name"} for row in rows.items)
    filtered = await kit.kernel.list(kit.admin, KitInvoice, filters={"total": "0"}, limit=100)
    assert {doc.id for doc in filtered.items} == set(expected)
