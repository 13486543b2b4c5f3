"""A failed operation leaves nothing behind: no row, no child row, no outbox event, no changed field."""

from __future__ import annotations

from typing import Any

import pytest

from ...errors import DuplicateName, ValidationError
from ..adapters import requires
from ..doctypes import KitCustomer, KitInvoice, KitRecord
from ..plugin import KitEnv
from ._support import make_event, meta_of, new_record, pending_ids, record_inserts

__all__ = [
    "test_transaction_commits_when_the_block_exits",
    "test_transaction_explicit_error_rolls_back_records_and_outbox",
    "test_transaction_failed_cancel_leaves_submitted",
    "test_transaction_failed_create_leaves_nothing",
    "test_transaction_failed_delete_leaves_the_row",
    "test_transaction_failed_hard_delete_leaves_the_row",
    "test_transaction_failed_insert_many_leaves_nothing",
    "test_transaction_failed_submit_leaves_draft",
    "test_transaction_failed_update_leaves_old_version",
]


class Abort(Exception):
    """Raised on purpose inside a transaction."""


async def _invoice_data(kit: KitEnv, remarks: str | None = None) -> dict[str, Any]:
    customers = await kit.kernel.list(kit.admin, KitCustomer, limit=1)
    if customers.items:
        customer = customers.items[0]
    else:
        customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Tx"})
    return {
        "customer": customer.id,
        "remarks": remarks,
        "lines": [{"item": "a", "qty": 2, "rate": "1.25"}, {"item": "b"}],
        "taxes": [{"account": "VAT", "rate": "0.19"}],
    }


@pytest.mark.anyio
@requires("transactions")
async def test_transaction_failed_create_leaves_nothing(kit: KitEnv) -> None:
    data = await _invoice_data(kit)
    pending = await pending_ids(kit)
    spy = record_inserts(kit)
    meta, repo = meta_of(kit, "KitInvoice"), kit.adapters.repository
    for hook in ("validate", "before_insert", "after_insert", "before_save", "after_save"):
        with pytest.raises(ValidationError, match=hook):
            await kit.kernel.create(kit.admin, KitInvoice, data | {"remarks": f"fail:{hook}"})
        assert await kit.kernel.count(kit.admin, KitInvoice) == 0, hook
        async with kit.adapters.unit_of_work.transaction() as tx:
            assert await repo.count(tx, meta, None, include_deleted=True) == 0, hook
            for record in spy.inserted:
                assert await repo.get(tx, meta, record["id"], include_deleted=True) is None
                assert (
                    await repo.get_by_name(tx, meta, record["name"], include_deleted=True) is None
                )
        assert await pending_ids(kit) == pending, f"{hook}: an outbox event survived the rollback"
    # Hooks after the insert failed, so the records were written and rolled back. If any parent or
    # child row of them were left over, storing the very same records again would collide.
    # (One at a time: a store that counts inside the transaction reuses the rolled-back name.)
    assert spy.inserted, "the Kernel should have inserted before after_insert/after_save failed"
    for record in spy.inserted:
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.insert(tx, meta, [record])
        async with kit.adapters.unit_of_work.transaction() as tx:
            assert await repo.get(tx, meta, record["id"]) == record
            await repo.delete(tx, meta, record["id"])


@pytest.mark.anyio
@requires("transactions")
async def test_transaction_failed_insert_many_leaves_nothing(kit: KitEnv) -> None:
    data = await _invoice_data(kit)
    pending = await pending_ids(kit)
    for hook in ("validate", "after_save"):
        items = [data, data | {"remarks": "fine"}, data | {"remarks": f"fail:{hook}"}]
        with pytest.raises(ValidationError, match=hook):
            await kit.kernel.insert_many(kit.admin, KitInvoice, items)
        assert await kit.kernel.count(kit.admin, KitInvoice) == 0
        assert await pending_ids(kit) == pending
    # Same for plain records: a duplicate name late in the batch undoes the whole batch.
    meta, repo = meta_of(kit, "KitRecord"), kit.adapters.repository
    batch = [new_record(kit, "KitRecord", title=f"r{i}", name=f"n{i % 3}") for i in range(5)]
    with pytest.raises(DuplicateName):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.insert(tx, meta, batch)
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.count(tx, meta, None, include_deleted=True) == 0
    docs = await kit.kernel.insert_many(kit.admin, KitRecord, [{"title": "ok1"}, {"title": "ok2"}])
    assert [d.title for d in docs] == ["ok1", "ok2"]
    assert await kit.kernel.count(kit.admin, KitRecord) == 2


@pytest.mark.anyio
@requires("transactions")
async def test_transaction_failed_update_leaves_old_version(kit: KitEnv) -> None:
    invoice = await kit.kernel.create(kit.admin, KitInvoice, await _invoice_data(kit))
    pending = await pending_ids(kit)
    for hook in ("validate", "before_save", "after_save"):
        with pytest.raises(ValidationError, match=hook):
            await kit.kernel.update(
                kit.admin,
                KitInvoice,
                invoice.id,
                {"remarks": f"fail:{hook}", "lines": [{"item": "new"}], "taxes": []},
            )
        assert await kit.kernel.get(kit.admin, KitInvoice, invoice.id) == invoice, hook
    assert await pending_ids(kit) == pending
    updated = await kit.kernel.update(kit.admin, KitInvoice, invoice.id, {"lines": []}, version=1)
    assert updated.version == 2


@pytest.mark.anyio
@requires("transactions")
async def test_transaction_failed_submit_leaves_draft(kit: KitEnv) -> None:
    invoice = await kit.kernel.create(
        kit.admin, KitInvoice, await _invoice_data(kit, "fail:on_submit")
    )
    pending = await pending_ids(kit)
    with pytest.raises(ValidationError, match="on_submit"):
        await kit.kernel.submit(kit.admin, KitInvoice, invoice.id)
    assert await kit.kernel.get(kit.admin, KitInvoice, invoice.id) == invoice
    assert await pending_ids(kit) == pending


@pytest.mark.anyio
@requires("transactions")
async def test_transaction_failed_cancel_leaves_submitted(kit: KitEnv) -> None:
    invoice = await kit.kernel.create(
        kit.admin, KitInvoice, await _invoice_data(kit, "fail:on_cancel")
    )
    submitted = await kit.kernel.submit(kit.admin, KitInvoice, invoice.id)
    pending = await pending_ids(kit)
    with pytest.raises(ValidationError, match="on_cancel"):
        await kit.kernel.cancel(kit.admin, KitInvoice, invoice.id)
    assert await kit.kernel.get(kit.admin, KitInvoice, invoice.id) == submitted
    assert await pending_ids(kit) == pending


@pytest.mark.anyio
@requires("transactions")
async def test_transaction_failed_delete_leaves_the_row(kit: KitEnv) -> None:
    invoice = await kit.kernel.create(
        kit.admin, KitInvoice, await _invoice_data(kit, "fail:after_delete")
    )
    pending = await pending_ids(kit)
    with pytest.raises(ValidationError, match="after_delete"):
        await kit.kernel.delete(kit.admin, KitInvoice, invoice.id)
    assert await kit.kernel.get(kit.admin, KitInvoice, invoice.id) == invoice
    assert await kit.kernel.count(kit.admin, KitInvoice) == 1
    assert await pending_ids(kit) == pending


@pytest.mark.anyio
@requires("transactions", "hard_delete")
async def test_transaction_failed_hard_delete_leaves_the_row(kit: KitEnv) -> None:
    invoice = await kit.kernel.create(
        kit.admin, KitInvoice, await _invoice_data(kit, "fail:after_delete")
    )
    with pytest.raises(ValidationError, match="after_delete"):
        await kit.kernel.delete(kit.admin, KitInvoice, invoice.id, hard=True)
    assert await kit.kernel.get(kit.admin, KitInvoice, invoice.id) == invoice
    # The customer is still linked, so it cannot be deleted either.
    assert await kit.kernel.count(kit.admin, KitInvoice, {"customer": str(invoice.customer)}) == 1


@pytest.mark.anyio
@requires("transactions")
async def test_transaction_explicit_error_rolls_back_records_and_outbox(kit: KitEnv) -> None:
    meta, repo, outbox = meta_of(kit, "KitInvoice"), kit.adapters.repository, kit.adapters.outbox
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Tx"})
    existing = await kit.kernel.create(kit.admin, KitRecord, {"title": "existing"})
    pending = await pending_ids(kit)
    record = new_record(
        kit, "KitInvoice", name="TX-1", customer=customer.id, lines=[{"item": "a"}, {"item": "b"}]
    )
    changed = new_record(
        kit, "KitRecord", **(existing.model_dump() | {"title": "changed", "version": 2})
    )

    async def write_then_fail() -> None:
        async with kit.adapters.unit_of_work.transaction() as tx:
            await repo.insert(tx, meta, [record])
            await repo.update(tx, meta_of(kit, "KitRecord"), changed, expected_version=1)
            await outbox.append(tx, [make_event(kit, record["id"], doctype="KitInvoice")])
            assert await repo.get(tx, meta, record["id"]) == record
            raise Abort

    with pytest.raises(Abort):
        await write_then_fail()
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.get(tx, meta, record["id"], include_deleted=True) is None
        assert await repo.get_by_name(tx, meta, "TX-1", include_deleted=True) is None
        assert await repo.count(tx, meta, None, include_deleted=True) == 0
    assert await kit.kernel.get(kit.admin, KitRecord, existing.id) == existing
    assert await pending_ids(kit) == pending
    # The same records go in cleanly afterwards (no leftover parent or child rows).
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [record])
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.get(tx, meta, record["id"]) == record


@pytest.mark.anyio
async def test_transaction_commits_when_the_block_exits(kit: KitEnv) -> None:
    meta, repo, outbox = meta_of(kit, "KitRecord"), kit.adapters.repository, kit.adapters.outbox
    record = new_record(kit, "KitRecord", title="committed")
    event = make_event(kit, record["id"])
    async with kit.adapters.unit_of_work.transaction() as tx:
        await repo.insert(tx, meta, [record])
        await outbox.append(tx, [event])
    async with kit.adapters.unit_of_work.transaction() as tx:
        assert await repo.get(tx, meta, record["id"]) == record
    assert await pending_ids(kit) == [event.id]
