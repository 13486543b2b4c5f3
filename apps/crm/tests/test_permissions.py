"""The two CRM roles: what each may do on each DocType, and row-level security on sales invoices."""

from __future__ import annotations

from typing import Any

import pytest

from crm import SALES_MANAGER, SALES_USER, Contact, Customer, Item, SalesInvoice
from framework_m import CallerContext, Kernel, NotFound, PermissionDenied

pytestmark = pytest.mark.anyio

ALICE = CallerContext.for_user("alice@example.com", SALES_USER)
BOB = CallerContext.for_user("bob@example.com", SALES_USER)
MIA = CallerContext.for_user("mia@example.com", SALES_MANAGER)
STRANGER = CallerContext.for_user("sam@example.com", "Website User")
ADMIN = CallerContext.for_user("root@example.com", "Administrator")

Masters = tuple[Customer, Item, Item]
MASTER = {"read", "create", "write", "delete"}
EVERYTHING = {"read", "create", "write", "delete", "submit", "cancel", "amend"}

PERMISSIONS = {
    (SALES_USER, "Customer"): {"read", "create", "write"},
    (SALES_USER, "Contact"): {"read", "create", "write"},
    (SALES_USER, "Item"): {"read", "create"},
    (SALES_USER, "SalesInvoice"): {"read", "create", "write", "submit"},
    (SALES_MANAGER, "Customer"): MASTER,
    (SALES_MANAGER, "Contact"): MASTER,
    (SALES_MANAGER, "Item"): MASTER,
    (SALES_MANAGER, "SalesInvoice"): EVERYTHING,
}


@pytest.mark.parametrize(("role", "doctype"), sorted(PERMISSIONS))
async def test_role_grants(kernel: Kernel, role: str, doctype: str) -> None:
    ctx = CallerContext.for_user("someone@example.com", role)
    assert kernel.permitted_actions(ctx, doctype) == PERMISSIONS[role, doctype]
    assert kernel.permitted_actions(STRANGER, doctype) == frozenset()


def invoice(customer: Customer, item: Item) -> dict[str, Any]:
    return {
        "customer": customer.id,
        "posting_date": "2026-03-16",
        "items": [{"item": item.id, "qty": "1"}],
    }


async def test_sales_users_see_only_their_own_invoices(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    alices = await kernel.create(ALICE, SalesInvoice, invoice(acme, bolt))
    bobs = await kernel.create(BOB, SalesInvoice, invoice(acme, bolt))
    assert [i.name for i in (await kernel.list(BOB, SalesInvoice)).items] == [bobs.name]
    assert await kernel.count(BOB, SalesInvoice) == 1
    assert await kernel.count(BOB, SalesInvoice, {"customer": acme.id}) == 1
    with pytest.raises(NotFound):
        await kernel.get(BOB, SalesInvoice, alices.id)
    with pytest.raises(NotFound):
        await kernel.get(BOB, SalesInvoice, str(alices.name))
    with pytest.raises(NotFound):
        await kernel.update(BOB, SalesInvoice, alices.id, {"remarks": "mine now"})
    with pytest.raises(NotFound):
        await kernel.submit(BOB, SalesInvoice, alices.id)
    with pytest.raises(NotFound):
        await kernel.call(BOB, SalesInvoice, alices.id, "outstanding", {})
    assert await kernel.count(MIA, SalesInvoice) == 2
    assert (await kernel.get(MIA, SalesInvoice, alices.id)).owner == ALICE.user


async def test_sales_users_submit_but_only_managers_cancel(
    kernel: Kernel, masters: Masters
) -> None:
    acme, bolt, _ = masters
    draft = await kernel.create(ALICE, SalesInvoice, invoice(acme, bolt))
    submitted = await kernel.submit(ALICE, SalesInvoice, draft.id)
    assert submitted.status == "Unpaid"
    assert (await kernel.call(ALICE, SalesInvoice, draft.id, "outstanding", {})).outstanding
    with pytest.raises(PermissionDenied):
        await kernel.cancel(ALICE, SalesInvoice, draft.id)
    cancelled = await kernel.cancel(MIA, SalesInvoice, draft.id)
    with pytest.raises(PermissionDenied):
        await kernel.amend(ALICE, SalesInvoice, cancelled.id)
    amended = await kernel.amend(MIA, SalesInvoice, cancelled.id)
    assert amended.amended_from == draft.id


async def test_sales_users_cannot_delete_invoices(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    draft = await kernel.create(ALICE, SalesInvoice, invoice(acme, bolt))
    with pytest.raises(PermissionDenied):
        await kernel.delete(ALICE, SalesInvoice, draft.id)
    await kernel.delete(MIA, SalesInvoice, draft.id)
    assert await kernel.count(MIA, SalesInvoice) == 0


async def test_sales_users_keep_masters_but_do_not_remove_them(
    kernel: Kernel, masters: Masters
) -> None:
    acme, bolt, _ = masters
    await kernel.update(ALICE, Customer, acme.id, {"territory": "North"})
    contact = await kernel.create(
        ALICE, Contact, {"first_name": "Wile", "email": "wile@acme.example", "customer": acme.id}
    )
    await kernel.update(ALICE, Contact, contact.id, {"phone": "+1 555 0100"})
    await kernel.create(ALICE, Item, {"item_code": "WASHER", "item_name": "Washer"})
    with pytest.raises(PermissionDenied):
        await kernel.update(ALICE, Item, bolt.id, {"standard_rate": "0"})
    with pytest.raises(PermissionDenied):
        await kernel.delete(ALICE, Contact, contact.id)
    with pytest.raises(PermissionDenied):
        await kernel.delete(ALICE, Item, bolt.id)
    await kernel.update(MIA, Item, bolt.id, {"standard_rate": "0.30"})
    await kernel.delete(MIA, Contact, contact.id)


async def test_everyone_else_is_denied(kernel: Kernel, masters: Masters) -> None:
    acme, _, _ = masters
    for doctype in ("Customer", "Contact", "Item", "SalesInvoice"):
        with pytest.raises(PermissionDenied):
            await kernel.list(STRANGER, doctype)
    with pytest.raises(PermissionDenied):
        await kernel.create(STRANGER, Customer, {"customer_name": "Intruder"})
    with pytest.raises(NotFound):
        await kernel.get(STRANGER, Customer, acme.id)


async def test_administrators_bypass_the_rules(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, nut = masters
    await kernel.create(ALICE, SalesInvoice, invoice(acme, bolt))
    assert await kernel.count(ADMIN, SalesInvoice) == 1
    await kernel.delete(ADMIN, Item, nut.id)
