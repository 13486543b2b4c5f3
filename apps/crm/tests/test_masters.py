"""Customers, contacts and items: naming, field validation and the one-primary-contact rule."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from crm import SALES_MANAGER, Contact, Customer, Item, SalesInvoice
from framework_m import (
    CallerContext,
    DuplicateName,
    Kernel,
    LinkValidation,
    ValidationError,
)

pytestmark = pytest.mark.anyio

MIA = CallerContext.for_user("mia@example.com", SALES_MANAGER)
Masters = tuple[Customer, Item, Item]


async def test_customers_are_named_after_their_name(kernel: Kernel) -> None:
    globex = await kernel.create(MIA, Customer, {"customer_name": "Globex", "email": "a@globex.io"})
    assert (globex.name, globex.customer_type, globex.credit_limit) == (
        "Globex",
        "Company",
        Decimal("0"),
    )
    assert (await kernel.get(MIA, Customer, "Globex")).id == globex.id
    with pytest.raises(DuplicateName):
        await kernel.create(MIA, Customer, {"customer_name": "Globex"})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "globex.io"),
        ("email", "a b@globex.io"),
        ("customer_type", "Government"),
        ("credit_limit", "-1"),
        ("credit_limit", "0.001"),
        ("customer_name", ""),
    ],
)
async def test_customer_fields_are_validated(kernel: Kernel, field: str, value: str) -> None:
    data = {"customer_name": "Globex", field: value}
    with pytest.raises(ValidationError) as caught:
        await kernel.create(MIA, Customer, data)
    assert [e["loc"] for e in caught.value.errors] == [[field]]


async def test_items_are_named_after_their_code(kernel: Kernel) -> None:
    item = await kernel.create(MIA, Item, {"item_code": "GEAR-1", "item_name": "Gear"})
    assert (item.name, item.uom, item.standard_rate, item.disabled) == (
        "GEAR-1",
        "Nos",
        Decimal("0"),
        False,
    )
    with pytest.raises(ValidationError):
        await kernel.create(
            MIA, Item, {"item_code": "GEAR-2", "item_name": "Gear", "standard_rate": "-1"}
        )


async def test_one_primary_contact_per_customer(kernel: Kernel, masters: Masters) -> None:
    acme, _, _ = masters
    other = await kernel.create(MIA, Customer, {"customer_name": "Other"})

    def person(first: str, customer: Customer, *, primary: bool) -> dict[str, object]:
        return {
            "first_name": first,
            "email": f"{first.lower()}@example.com",
            "customer": customer.id,
            "is_primary": primary,
        }

    wile = await kernel.create(MIA, Contact, person("Wile", acme, primary=True))
    await kernel.create(MIA, Contact, person("Road", acme, primary=False))
    await kernel.create(MIA, Contact, person("Hank", other, primary=True))
    with pytest.raises(ValidationError) as caught:
        await kernel.create(MIA, Contact, person("Marvin", acme, primary=True))
    assert caught.value.errors[0]["loc"] == ["is_primary"]
    # Saving the primary contact itself is not a second primary contact.
    await kernel.update(MIA, Contact, wile.id, {"phone": "+1 555 0100"})


async def test_contacts_need_a_valid_email_and_customer(kernel: Kernel, masters: Masters) -> None:
    acme, _, _ = masters
    with pytest.raises(ValidationError):
        await kernel.create(
            MIA, Contact, {"first_name": "Wile", "email": "wile", "customer": acme.id}
        )
    with pytest.raises(LinkValidation):
        await kernel.create(
            MIA, Contact, {"first_name": "Wile", "email": "wile@acme.example", "customer": uuid4()}
        )


async def test_invoiced_customers_cannot_be_deleted(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    await kernel.create(
        MIA,
        SalesInvoice,
        {"customer": acme.id, "posting_date": "2026-03-16", "items": [{"item": bolt.id}]},
    )
    with pytest.raises(LinkValidation):
        await kernel.delete(MIA, Customer, acme.id)
