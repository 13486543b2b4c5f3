"""The Repository port used directly, inside transactions of its UnitOfWork, with plain records."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from ...errors import DuplicateName, NotFound, VersionConflict
from ...query import Condition
from ...types import Record
from ..adapters import requires
from ..plugin import KitEnv
from ._support import meta_of, new_record, query

__all__ = [
    "test_repository_bulk_insert_then_count",
    "test_repository_field_selection",
    "test_repository_get_and_get_by_name",
    "test_repository_hard_delete_removes_children",
    "test_repository_mark_deleted_hides_but_keeps_name",
    "test_repository_missing_records_are_not_found",
    "test_repository_update_replaces_children_in_order",
    "test_repository_update_with_stale_version_conflicts",
]


async def _customer(kit: KitEnv) -> UUID:
    """Insert a customer to link to (adapters may enforce links with foreign keys)."""
    record = new_record(kit, "KitCustomer", customer_name="Kit Customer", name="Kit Customer")
    async with kit.adapters.unit_of_work.transaction() as tx:
        await kit.adapters.repository.insert(tx, meta_of(kit, "KitCustomer"), [record])
    return UUID(str(record["id"]))


def _invoice(kit: KitEnv, customer: UUID, name: str, items: list[str]) -> Record:
    return new_record(
        kit,
        "KitInvoice",
        name=name,
        customer=customer,
        lines=[{"item": item, "qty": i, "rate": Decimal("0.5")} for i, item in enumerate(items, 1)],
        taxes=[{"account": f"tax-{name}", "rate": Decimal("0.19")}],
    )


@pytest.mark.anyio
async def test_repository_bulk_insert_then_count(kit: KitEnv) -> None:
    repo, meta = kit.adapters.repository, meta_of(kit, "KitRecord")
    records = [
        new_record(kit, "KitRecord", title=f"bulk {i}", count=i % 7 or None) for i in range(250)
    ]
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, records)
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.count(tx, meta, None) == 250
        assert await repo.count(tx, meta, Condition("count", "=", 3)) == 36
        assert await repo.count(tx, meta, Condition("count", "is_not_set")) == 36
        rows = await repo.list(tx, meta, query(order_by=[("title", False)]))
        assert len(rows) == 250
        assert rows[0] == sorted(records, key=lambda r: r["title"])[0]
        assert {r["id"] for r in rows} == {r["id"] for r in records}
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.count(tx, meta, None) == 250


@pytest.mark.anyio
async def test_repository_get_and_get_by_name(kit: KitEnv) -> None:
    repo, meta = kit.adapters.repository, meta_of(kit, "KitInvoice")
    customer = await _customer(kit)
    first, second = (
        _invoice(kit, customer, "INV-1", ["a", "b"]),
        _invoice(kit, customer, "INV-2", ["c"]),
    )
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [first, second])
        # What a transaction wrote, it reads back before commit.
        assert await repo.get(tx, meta, first["id"]) == first
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.get(tx, meta, first["id"]) == first
        assert await repo.get_by_name(tx, meta, "INV-2") == second
        assert await repo.get_by_name(tx, meta, "inv-2") is None
        assert await repo.get(tx, meta, kit.kernel.ids.new_id()) is None
        assert await repo.get_by_name(tx, meta, "INV-3") is None


@pytest.mark.anyio
async def test_repository_field_selection(kit: KitEnv) -> None:
    repo, meta = kit.adapters.repository, meta_of(kit, "KitInvoice")
    customer = await _customer(kit)
    record = _invoice(kit, customer, "INV-F", ["a", "b"])
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [record])
    async with kit.adapters.unit_of_work.transaction() as tx:
        rows = await repo.list(tx, meta, query(fields=("id", "name", "total")))
        assert rows == [{"id": record["id"], "name": "INV-F", "total": record["total"]}]
        rows = await repo.list(tx, meta, query(fields=("id", "lines")))
        assert rows == [{"id": record["id"], "lines": record["lines"]}]
        (full,) = await repo.list(tx, meta, query())
        assert full == record


@pytest.mark.anyio
async def test_repository_mark_deleted_hides_but_keeps_name(kit: KitEnv) -> None:
    repo, meta = kit.adapters.repository, meta_of(kit, "KitRecord")
    record = new_record(kit, "KitRecord", name="kept", title="soft")
    other = new_record(kit, "KitRecord", title="visible")
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [record, other])
        await repo.mark_deleted(tx, meta, record["id"], expected_version=1, at=kit.clock.now())
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.get(tx, meta, record["id"]) is None
        assert await repo.get_by_name(tx, meta, "kept") is None
        assert await repo.get(tx, meta, record["id"], include_deleted=True) == record
        assert await repo.get_by_name(tx, meta, "kept", include_deleted=True) == record
        assert await repo.count(tx, meta, None) == 1
        assert await repo.count(tx, meta, None, include_deleted=True) == 2
        assert [r["id"] for r in await repo.list(tx, meta, query())] == [other["id"]]
        both = await repo.list(tx, meta, query(include_deleted=True))
        assert {r["id"] for r in both} == {record["id"], other["id"]}
    with pytest.raises(DuplicateName):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.insert(tx, meta, [new_record(kit, "KitRecord", name="kept", title="again")])
    with pytest.raises(NotFound):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.mark_deleted(tx, meta, record["id"], expected_version=1, at=kit.clock.now())
    with pytest.raises(NotFound):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.update(tx, meta, record | {"title": "zombie"}, expected_version=1)


@pytest.mark.anyio
@requires("hard_delete")
async def test_repository_hard_delete_removes_children(kit: KitEnv) -> None:
    repo, meta = kit.adapters.repository, meta_of(kit, "KitInvoice")
    customer = await _customer(kit)
    doomed, kept = (
        _invoice(kit, customer, "INV-D", ["a", "b"]),
        _invoice(kit, customer, "INV-K", ["c"]),
    )
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [doomed, kept])
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.delete(tx, meta, doomed["id"], expected_version=1)
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.get(tx, meta, doomed["id"], include_deleted=True) is None
        assert await repo.get_by_name(tx, meta, "INV-D", include_deleted=True) is None
        assert await repo.count(tx, meta, None, include_deleted=True) == 1
        assert await repo.get(tx, meta, kept["id"]) == kept
    # Nothing of it is left: the same id, name and child row ids can be stored again.
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [doomed])
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.get(tx, meta, doomed["id"]) == doomed
    # A soft-deleted record can be removed for good too.
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.mark_deleted(tx, meta, kept["id"], expected_version=1, at=kit.clock.now())
        await repo.delete(tx, meta, kept["id"])
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.get(tx, meta, kept["id"], include_deleted=True) is None
        await repo.insert(tx, meta, [kept])


@pytest.mark.anyio
async def test_repository_update_replaces_children_in_order(kit: KitEnv) -> None:
    repo, meta = kit.adapters.repository, meta_of(kit, "KitInvoice")
    customer = await _customer(kit)
    record = _invoice(kit, customer, "INV-U", ["a", "b", "c"])
    neighbour = _invoice(kit, customer, "INV-N", ["n1", "n2"])
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [record, neighbour])
    a, b, c = record["lines"]
    new_line = {
        "id": kit.kernel.ids.new_id(),
        "idx": 3,
        "item": "d",
        "qty": 9,
        "rate": Decimal("1"),
        "note": None,
    }
    changed = record | {
        "version": 2,
        "remarks": "changed",
        "lines": [c | {"idx": 1}, a | {"idx": 2}, new_line],
        "taxes": [],
    }
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.update(tx, meta, changed, expected_version=1)
    async with kit.adapters.unit_of_work.transaction() as tx:
        stored = await repo.get(tx, meta, record["id"])
        assert stored == changed
        assert stored is not None
        assert [line["item"] for line in stored["lines"]] == ["c", "a", "d"]
        assert stored["taxes"] == []
        assert await repo.get(tx, meta, neighbour["id"]) == neighbour
        assert b["id"] not in {line["id"] for line in stored["lines"]}


@pytest.mark.anyio
async def test_repository_update_with_stale_version_conflicts(kit: KitEnv) -> None:
    repo, meta = kit.adapters.repository, meta_of(kit, "KitRecord")
    record = new_record(kit, "KitRecord", title="v1", count=1)
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [record])
        await repo.update(tx, meta, record | {"title": "v2", "version": 2}, expected_version=1)
    for stale in (1, 3):
        with pytest.raises(VersionConflict):
            async with kit.adapters.unit_of_work.transaction() as tx:
                await repo.update(
                    tx,
                    meta,
                    record | {"title": "lost", "version": stale + 1},
                    expected_version=stale,
                )
    with pytest.raises(VersionConflict):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.mark_deleted(tx, meta, record["id"], expected_version=1, at=kit.clock.now())
    with pytest.raises(VersionConflict):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.delete(tx, meta, record["id"], expected_version=1)
    async with kit.adapters.unit_of_work.transaction() as tx:
        stored = await repo.get(tx, meta, record["id"])
    assert stored == record | {"title": "v2", "version": 2}


@pytest.mark.anyio
async def test_repository_missing_records_are_not_found(kit: KitEnv) -> None:
    repo, meta = kit.adapters.repository, meta_of(kit, "KitRecord")
    ghost = new_record(kit, "KitRecord", title="ghost")
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [new_record(kit, "KitRecord", title="real")])
    with pytest.raises(NotFound):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.update(tx, meta, ghost, expected_version=1)
    with pytest.raises(NotFound):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.mark_deleted(tx, meta, ghost["id"], expected_version=1, at=kit.clock.now())
    with pytest.raises(NotFound):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.delete(tx, meta, ghost["id"])
    with pytest.raises(NotFound):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.delete(tx, meta, ghost["id"], expected_version=1)
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.count(tx, meta, None, include_deleted=True) == 1
