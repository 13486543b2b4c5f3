"""Soft delete (hidden everywhere, name kept) and hard delete through the Kernel."""

from __future__ import annotations

import pytest

from ...errors import DuplicateName, NotFound
from ..adapters import requires
from ..doctypes import KitCustomer, KitInvoice, KitRecord
from ..plugin import KitEnv
from ._support import meta_of

__all__ = [
    "test_hard_delete_removes_document_and_frees_name",
    "test_soft_delete_hides_document_everywhere",
    "test_soft_deleted_document_cannot_be_changed",
]


@pytest.mark.anyio
async def test_soft_delete_hides_document_everywhere(kit: KitEnv) -> None:
    gone = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Gone"})
    kept = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Kept"})
    await kit.kernel.delete(kit.admin, KitCustomer, gone.id)
    for key in (gone.id, "Gone", str(gone.id)):
        with pytest.raises(NotFound):
            await kit.kernel.get(kit.admin, KitCustomer, key)
    page = await kit.kernel.list(kit.admin, KitCustomer, with_total=True)
    assert ([d.id for d in page.items], page.total) == ([kept.id], 1)
    assert await kit.kernel.count(kit.admin, KitCustomer) == 1
    assert await kit.kernel.count(kit.admin, KitCustomer, {"customer_name": "Gone"}) == 0
    # Its name stays taken.
    with pytest.raises(DuplicateName):
        await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Gone"})
    # The row is still there for whoever asks for deleted rows explicitly.
    async with kit.adapters.unit_of_work.transaction() as tx:
        row = await kit.adapters.repository.get(
            tx, meta_of(kit, "KitCustomer"), gone.id, include_deleted=True
        )
    assert row is not None
    assert row["customer_name"] == "Gone"


@pytest.mark.anyio
async def test_soft_deleted_document_cannot_be_changed(kit: KitEnv) -> None:
    doc = await kit.kernel.create(kit.admin, KitRecord, {"title": "x"})
    await kit.kernel.delete(kit.admin, KitRecord, doc.id)
    with pytest.raises(NotFound):
        await kit.kernel.update(kit.admin, KitRecord, doc.id, {"count": 1})
    with pytest.raises(NotFound):
        await kit.kernel.delete(kit.admin, KitRecord, doc.id)
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "C"})
    invoice = await kit.kernel.create(kit.admin, KitInvoice, {"customer": customer.id})
    await kit.kernel.delete(kit.admin, KitInvoice, invoice.id)
    with pytest.raises(NotFound):
        await kit.kernel.submit(kit.admin, KitInvoice, invoice.id)


@pytest.mark.anyio
@requires("hard_delete")
async def test_hard_delete_removes_document_and_frees_name(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Temp"})
    await kit.kernel.delete(kit.admin, KitCustomer, customer.id, hard=True)
    with pytest.raises(NotFound):
        await kit.kernel.get(kit.admin, KitCustomer, "Temp")
    async with kit.adapters.unit_of_work.transaction() as tx:
        meta = meta_of(kit, "KitCustomer")
        assert (
            await kit.adapters.repository.get(tx, meta, customer.id, include_deleted=True) is None
        )
        assert await kit.adapters.repository.count(tx, meta, None, include_deleted=True) == 0
    again = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Temp"})
    assert again.id != customer.id
    # A soft-deleted document can still be hard-deleted… through the repository only; the Kernel
    # treats it as gone.
    doc = await kit.kernel.create(kit.admin, KitRecord, {"title": "twice"})
    await kit.kernel.delete(kit.admin, KitRecord, doc.id)
    with pytest.raises(NotFound):
        await kit.kernel.delete(kit.admin, KitRecord, doc.id, hard=True)
