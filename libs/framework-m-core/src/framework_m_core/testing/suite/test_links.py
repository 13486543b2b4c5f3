"""Link integrity and ``fetch_from`` (the Kernel checks; the adapter must answer its queries right)."""

from __future__ import annotations

import pytest

from ...errors import LinkValidation
from ..doctypes import KitCustomer, KitInvoice
from ..plugin import KitEnv

__all__ = [
    "test_link_deleting_a_referenced_document_fails",
    "test_link_fetch_from_copies_value_on_save",
    "test_link_to_missing_document_fails",
]


@pytest.mark.anyio
async def test_link_to_missing_document_fails(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Real"})
    dangling = kit.kernel.ids.new_id()
    with pytest.raises(LinkValidation) as info:
        await kit.kernel.create(kit.admin, KitInvoice, {"customer": dangling})
    assert info.value.errors[0]["loc"] == ["customer"]
    assert await kit.kernel.count(kit.admin, KitInvoice) == 0
    invoice = await kit.kernel.create(kit.admin, KitInvoice, {"customer": customer.id})
    with pytest.raises(LinkValidation):
        await kit.kernel.update(kit.admin, KitInvoice, invoice.id, {"customer": dangling})
    assert (await kit.kernel.get(kit.admin, KitInvoice, invoice.id)).customer == customer.id
    # A soft-deleted target counts as missing.
    other = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Other"})
    await kit.kernel.delete(kit.admin, KitCustomer, other.id)
    with pytest.raises(LinkValidation):
        await kit.kernel.create(kit.admin, KitInvoice, {"customer": other.id})


@pytest.mark.anyio
async def test_link_deleting_a_referenced_document_fails(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Linked"})
    invoice = await kit.kernel.create(kit.admin, KitInvoice, {"customer": customer.id})
    with pytest.raises(LinkValidation):
        await kit.kernel.delete(kit.admin, KitCustomer, customer.id)
    with pytest.raises(LinkValidation):
        await kit.kernel.delete(kit.admin, KitCustomer, customer.id, hard=True)
    assert (await kit.kernel.get(kit.admin, KitCustomer, customer.id)) == customer
    # Once nothing live links to it, it can go.
    await kit.kernel.delete(kit.admin, KitInvoice, invoice.id)
    await kit.kernel.delete(kit.admin, KitCustomer, customer.id)
    assert await kit.kernel.count(kit.admin, KitCustomer) == 0


@pytest.mark.anyio
async def test_link_fetch_from_copies_value_on_save(kit: KitEnv) -> None:
    acme = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Acme 漢字"})
    globex = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Globex"})
    invoice = await kit.kernel.create(
        kit.admin, KitInvoice, {"customer": acme.id, "customer_name": "ignored"}
    )
    assert invoice.customer_name == "Acme 漢字"
    assert (await kit.kernel.get(kit.admin, KitInvoice, invoice.id)).customer_name == "Acme 漢字"
    moved = await kit.kernel.update(kit.admin, KitInvoice, invoice.id, {"customer": globex.id})
    assert moved.customer_name == "Globex"
    page = await kit.kernel.list(kit.admin, KitInvoice, filters={"customer_name": "Globex"})
    assert [d.id for d in page.items] == [invoice.id]
    # The fetched value is a copy made on save: later changes to the source show on the next save.
    await kit.kernel.update(kit.admin, KitCustomer, globex.id, {"customer_name": "Globex Corp"})
    assert (await kit.kernel.get(kit.admin, KitInvoice, invoice.id)).customer_name == "Globex"
    resaved = await kit.kernel.update(kit.admin, KitInvoice, invoice.id, {"remarks": "again"})
    assert resaved.customer_name == "Globex Corp"
    assert (await kit.kernel.get(kit.admin, KitInvoice, invoice.id)).customer_name == "Globex Corp"
