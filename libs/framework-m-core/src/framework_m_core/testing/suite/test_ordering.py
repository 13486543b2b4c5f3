"""Ordering (NULL placement, code-point text, id tie-breaker) and pagination through the Kernel."""

from __future__ import annotations

from typing import Any

import pytest

from ...errors import QueryError
from ..doctypes import KitRecord
from ..plugin import KitEnv
from ._support import SEED_TITLES, meta_of, query, seed_records, titles

__all__ = [
    "test_order_by_every_orderable_kind",
    "test_order_by_invalid_field_is_query_error",
    "test_order_by_multiple_keys",
    "test_order_default_is_most_recently_modified_first",
    "test_order_ties_are_broken_by_id",
    "test_page_limits_are_enforced",
    "test_pages_never_overlap_or_skip",
    "test_repository_pages_with_field_selection",
]

ALPHA, BETA, GAMMA, NULLS, NAIVE = SEED_TITLES


@pytest.mark.anyio
async def test_order_by_every_orderable_kind(kit: KitEnv) -> None:
    await seed_records(kit)
    ascending = {
        "count": [NULLS, NAIVE, ALPHA, BETA, GAMMA],
        "ratio": [NULLS, NAIVE, ALPHA, BETA, GAMMA],
        "amount": [NULLS, NAIVE, ALPHA, BETA, GAMMA],
        "day": [NULLS, NAIVE, ALPHA, BETA, GAMMA],
        # Instants, whatever offset they were written with.
        "at": [NULLS, NAIVE, ALPHA, BETA, GAMMA],
        "clock": [NULLS, NAIVE, ALPHA, BETA, GAMMA],
        "ref": [NULLS, NAIVE, ALPHA, BETA, GAMMA],
        # Code points: "1" < "B" < "a" < "g" < "n".
        "title": [NULLS, BETA, ALPHA, GAMMA, NAIVE],
        # False < True; ties by id (insertion order).
        "flag": [BETA, NULLS, NAIVE, ALPHA, GAMMA],
        "status": [NULLS, BETA, NAIVE, ALPHA, GAMMA],
        "kind": [NULLS, NAIVE, ALPHA, BETA, GAMMA],
        "body": [NULLS, GAMMA, BETA, ALPHA, NAIVE],
    }
    descending = {
        "count": [GAMMA, BETA, ALPHA, NAIVE, NULLS],
        "title": [NAIVE, GAMMA, ALPHA, BETA, NULLS],
        "flag": [ALPHA, GAMMA, BETA, NULLS, NAIVE],
        "at": [GAMMA, BETA, ALPHA, NAIVE, NULLS],
        "amount": [GAMMA, BETA, ALPHA, NAIVE, NULLS],
        "status": [ALPHA, GAMMA, BETA, NAIVE, NULLS],
        "ref": [GAMMA, BETA, ALPHA, NULLS, NAIVE],
    }
    problems = []
    for field, expected in ascending.items():
        got = await titles(kit, order_by=f"{field} asc")
        if got != expected:
            problems.append(f"{field} asc: expected {expected}, got {got}")
        if await titles(kit, order_by=field) != got:
            problems.append(f"{field}: the default direction is not ascending")
    for field, expected in descending.items():
        got = await titles(kit, order_by=f"{field} desc")
        if got != expected:
            problems.append(f"{field} desc: expected {expected}, got {got}")
    assert not problems, "wrong order:\n  " + "\n  ".join(problems)


@pytest.mark.anyio
async def test_order_by_multiple_keys(kit: KitEnv) -> None:
    await seed_records(kit)
    assert await titles(kit, order_by="status asc, count desc") == [
        NULLS,
        BETA,
        NAIVE,
        GAMMA,
        ALPHA,
    ]
    assert await titles(kit, order_by="status desc, count asc") == [
        ALPHA,
        GAMMA,
        NAIVE,
        BETA,
        NULLS,
    ]
    assert await titles(kit, order_by=["flag desc", "title"]) == [ALPHA, GAMMA, NULLS, BETA, NAIVE]
    assert await titles(kit, order_by="flag, body desc") == [NAIVE, BETA, NULLS, ALPHA, GAMMA]
    filtered = await titles(kit, filters={"flag": False}, order_by="count desc")
    assert filtered == [BETA, NAIVE, NULLS]


@pytest.mark.anyio
async def test_order_ties_are_broken_by_id(kit: KitEnv) -> None:
    created = [
        await kit.kernel.create(
            kit.admin, KitRecord, {"title": "same", "kind": "a", "count": i % 2}
        )
        for i in range(8)
    ]
    ids = [doc.id for doc in created]
    for order_by in ("kind", "kind desc", "title desc, kind"):
        page = await kit.kernel.list(kit.admin, KitRecord, order_by=order_by)
        assert [doc.id for doc in page.items] == ids, order_by
    page = await kit.kernel.list(kit.admin, KitRecord, order_by="count desc")
    assert [doc.id for doc in page.items] == ids[1::2] + ids[0::2]
    page = await kit.kernel.list(kit.admin, KitRecord, order_by="id desc")
    assert [doc.id for doc in page.items] == ids[::-1]


@pytest.mark.anyio
async def test_order_default_is_most_recently_modified_first(kit: KitEnv) -> None:
    created = [await kit.kernel.create(kit.admin, KitRecord, {"title": f"r{i}"}) for i in range(4)]
    assert await titles(kit) == ["r3", "r2", "r1", "r0"]
    await kit.kernel.update(kit.admin, KitRecord, created[1].id, {"count": 1})
    assert await titles(kit) == ["r1", "r3", "r2", "r0"]
    assert await titles(kit, order_by="modified") == ["r0", "r2", "r3", "r1"]
    assert await titles(kit, order_by="creation desc") == ["r3", "r2", "r1", "r0"]


@pytest.mark.anyio
async def test_order_by_invalid_field_is_query_error(kit: KitEnv) -> None:
    for order_by in ("nope", "tags", "address desc", "count sideways", "count asc desc", ""):
        if order_by == "":
            await kit.kernel.list(kit.admin, KitRecord, order_by=order_by)
            continue
        with pytest.raises(QueryError):
            await kit.kernel.list(kit.admin, KitRecord, order_by=order_by)


async def _walk(kit: KitEnv, size: int, **options: Any) -> list[Any]:
    """Fetch every page of ``size``; check has_more and total on each; return the items in order."""
    total = await kit.kernel.count(kit.admin, KitRecord, options.get("filters"))
    items: list[Any] = []
    offset = 0
    while True:
        page = await kit.kernel.list(
            kit.admin, KitRecord, limit=size, offset=offset, with_total=True, **options
        )
        assert page.total == total
        assert (page.limit, page.offset) == (size, offset)
        assert len(page.items) <= size
        items += page.items
        offset += size
        assert page.has_more == (offset < total), (offset, total)
        if not page.has_more:
            return items


@pytest.mark.anyio
async def test_pages_never_overlap_or_skip(kit: KitEnv) -> None:
    for i in range(23):
        await kit.kernel.create(
            kit.admin,
            KitRecord,
            {
                "title": f"p{i:02d}",
                "kind": "abc"[i % 3],
                "count": None if i % 4 == 0 else i % 5,
                "status": None if i % 6 == 0 else "Open",
            },
        )
    for order_by, filters in (
        ("kind desc, count", None),
        ("status, kind", None),
        ("count desc", [["count", "!=", 2]]),
        ("modified desc", [["kind", "in", ["a", "b"]]]),
        ("flag", None),
    ):
        full = await kit.kernel.list(
            kit.admin, KitRecord, order_by=order_by, filters=filters, limit=1000
        )
        for size in (1, 4, 5, 22, 23, 50):
            walked = await _walk(kit, size, order_by=order_by, filters=filters)
            assert [d.id for d in walked] == [d.id for d in full.items], (order_by, size)
            assert len({d.id for d in walked}) == len(walked)
    past_end = await kit.kernel.list(kit.admin, KitRecord, offset=23, with_total=True)
    assert (past_end.items, past_end.has_more, past_end.total) == ([], False, 23)
    last = await kit.kernel.list(kit.admin, KitRecord, offset=22, limit=5)
    assert (len(last.items), last.has_more) == (1, False)


@pytest.mark.anyio
async def test_page_limits_are_enforced(kit: KitEnv) -> None:
    await seed_records(kit)
    most = kit.kernel.max_limit
    page = await kit.kernel.list(kit.admin, KitRecord, limit=most)
    assert len(page.items) == 5
    default = await kit.kernel.list(kit.admin, KitRecord)
    assert default.limit == 20
    for limit, offset in ((most + 1, 0), (0, 0), (-1, 0), (10, -1)):
        with pytest.raises(QueryError):
            await kit.kernel.list(kit.admin, KitRecord, limit=limit, offset=offset)


@pytest.mark.anyio
async def test_repository_pages_with_field_selection(kit: KitEnv) -> None:
    await seed_records(kit)
    meta, repo = meta_of(kit, "KitRecord"), kit.adapters.repository
    async with kit.adapters.unit_of_work.transaction() as tx:
        pages = [
            await repo.list(
                tx,
                meta,
                query(order_by=[("count", True)], limit=2, offset=offset, fields=("id", "title")),
            )
            for offset in (0, 2, 4, 6)
        ]
    assert [[row["title"] for row in page] for page in pages] == [
        [GAMMA, BETA],
        [ALPHA, NAIVE],
        [NULLS],
        [],
    ]
    assert all(set(row) == {"id", "title"} for page in pages for row in page)
    # Kernel field selection returns dicts with the id and the chosen fields only.
    page = await kit.kernel.list(kit.admin, KitRecord, fields=["title", "count"], order_by="count")
    assert page.items[0] == {"id": page.items[0]["id"], "title": NULLS, "count": None}
    assert all(set(row) == {"id", "title", "count"} for row in page.items)
