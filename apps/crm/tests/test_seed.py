"""``crm.seed``: demo data made through the Kernel as its owner, once."""

from __future__ import annotations

from collections import Counter

import pytest

from crm import SALES_MANAGER, SALES_USER, Contact, Customer, Item, SalesInvoice, seed
from framework_m import CallerContext, Kernel, PermissionDenied

pytestmark = pytest.mark.anyio

ALICE = CallerContext.for_user("alice@example.com", SALES_USER)
BOB = CallerContext.for_user("bob@example.com", SALES_USER)
MIA = CallerContext.for_user("mia@example.com", SALES_MANAGER)

SEEDED = {"customers": 5, "contacts": 6, "items": 6, "invoices": 6, "submitted": 4}


async def test_seed_creates_demo_data_owned_by_the_caller(kernel: Kernel) -> None:
    assert await seed(kernel, owner=ALICE) == SEEDED
    for doctype, expected in ((Customer, 5), (Contact, 6), (Item, 6), (SalesInvoice, 6)):
        assert await kernel.count(MIA, doctype) == expected
    invoices = (await kernel.list(MIA, SalesInvoice, order_by="name asc")).items
    assert {i.owner for i in invoices} == {ALICE.user}
    assert Counter(i.status for i in invoices) == {"Draft": 2, "Unpaid": 3, "Paid": 1}
    assert [i.name for i in invoices] == [f"SINV-2026-{n:05}" for n in range(1, 7)]
    assert all(i.grand_total > 0 and i.customer_name for i in invoices)
    assert await kernel.count(ALICE, SalesInvoice) == 6
    assert await kernel.count(BOB, SalesInvoice) == 0, "row-level security applies to seeded data"


async def test_seed_runs_once(kernel: Kernel) -> None:
    assert await seed(kernel, owner=MIA) == SEEDED
    assert await seed(kernel, owner=MIA) == dict.fromkeys(SEEDED, 0)
    assert await seed(kernel, owner=ALICE) == dict.fromkeys(SEEDED, 0)
    assert await kernel.count(MIA, SalesInvoice) == 6


async def test_seed_does_nothing_when_customers_exist(kernel: Kernel) -> None:
    await kernel.create(MIA, Customer, {"customer_name": "Existing"})
    assert await seed(kernel, owner=MIA) == dict.fromkeys(SEEDED, 0)
    assert await kernel.count(MIA, Item) == 0


async def test_seed_obeys_permissions(kernel: Kernel) -> None:
    stranger = CallerContext.for_user("sam@example.com", "Website User")
    with pytest.raises(PermissionDenied):
        await seed(kernel, owner=stranger)
    assert await kernel.count(MIA, Customer) == 0
