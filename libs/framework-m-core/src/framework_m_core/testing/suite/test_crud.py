"""CRUD through the Kernel: what every Repository/UnitOfWork pair must store and return faithfully."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ...doctype import DocStatus
from ...errors import NotFound
from ..doctypes import KitCustomer, KitInvoice
from ..plugin import KitEnv

__all__ = ["test_create_get_roundtrip_with_children", "test_get_unknown_is_not_found"]

@pytest.mark.anyio
async def test_create_get_roundtrip_with_children(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Ünïcødé GmbH 🚀"})
    invoice = await kit.kernel.create(
        kit.admin,
        KitInvoice,
        {
            "customer": customer.id,
            "lines": [{"item": "b", "qty": 2, "rate": "1.5"}, {"item": "a", "qty": 1, "rate": "0.1"}],
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
    by_name = await kit.kernel.get(kit.admin, KitInvoice, invoice.name)
    assert by_name.id == invoice.id


@pytest.mark.anyio
async def test_get_unknown_is_not_found(kit: KitEnv) -> None:
    with pytest.raises(NotFound):
        await kit.kernel.get(kit.admin, KitCustomer, "nobody")
