"""Demo data: a handful of customers, contacts, items and sales invoices to click through.

Everything goes through the Kernel as the given ``owner``, so the data obeys the same rules, hooks and
permissions as data entered by hand, and the invoices belong to that user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from framework_m import CallerContext, Kernel, SystemContext

from .customer import Contact, Customer
from .item import Item
from .sales_invoice import SalesInvoice

CUSTOMERS: tuple[dict[str, Any], ...] = (
    {
        "customer_name": "Acme Corporation",
        "email": "billing@acme.example",
        "territory": "North",
        "credit_limit": "20000",
    },
    {"customer_name": "Globex Ltd", "email": "accounts@globex.example", "territory": "South"},
    {
        "customer_name": "Initech",
        "email": "ap@initech.example",
        "territory": "North",
        "credit_limit": "5000",
    },
    {"customer_name": "Jane Doe", "customer_type": "Individual", "email": "jane@doe.example"},
    {"customer_name": "Umbrella Retail", "territory": "West", "disabled": True},
)

ITEMS: tuple[dict[str, Any], ...] = (
    {"item_code": "CONS-HR", "item_name": "Consulting Hour", "standard_rate": "120", "uom": "Hour"},
    {"item_code": "LIC-STD", "item_name": "Standard Licence", "standard_rate": "490"},
    {"item_code": "LIC-ENT", "item_name": "Enterprise Licence", "standard_rate": "1900"},
    {"item_code": "SUP-YR", "item_name": "Annual Support", "standard_rate": "800"},
    {"item_code": "TRAIN-DAY", "item_name": "Training Day", "standard_rate": "950", "uom": "Day"},
    {
        "item_code": "KIT-OLD",
        "item_name": "Legacy Starter Kit",
        "description": "Replaced by the standard licence; kept for old invoices.",
        "standard_rate": "240",
        "disabled": True,
    },
)

# (customer, first name, last name, email, primary)
CONTACTS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("Acme Corporation", "Wile", "Coyote", "wile@acme.example", True),
    ("Acme Corporation", "Road", "Runner", "road@acme.example", False),
    ("Globex Ltd", "Hank", "Scorpio", "hank@globex.example", True),
    ("Initech", "Bill", "Lumbergh", "bill@initech.example", True),
    ("Initech", "Milton", "Waddams", "milton@initech.example", False),
    ("Jane Doe", "Jane", "Doe", "jane@doe.example", True),
)


@dataclass(frozen=True)
class _Invoice:
    customer: str
    days_ago: int
    rows: tuple[tuple[str, str, str | None], ...]  # item code, qty, rate (None: standard rate)
    taxes_rate: str = "0"
    submit: bool = False
    paid: str | None = None  # "full", or an amount received up front
    remarks: str | None = None


INVOICES: tuple[_Invoice, ...] = (
    _Invoice("Acme Corporation", 40, (("LIC-ENT", "2", None), ("SUP-YR", "1", None)), "20", True),
    _Invoice("Acme Corporation", 3, (("CONS-HR", "12.5", None),), "20"),
    _Invoice(
        "Globex Ltd",
        25,
        (("LIC-STD", "10", "450"),),
        "10",
        True,
        "full",
        "Volume discount on ten licences.",
    ),
    _Invoice("Initech", 12, (("TRAIN-DAY", "2", None),), submit=True),
    _Invoice("Jane Doe", 8, (("CONS-HR", "3", None),), "20", True, "100"),
    _Invoice("Initech", 1, (("LIC-STD", "3", None),), remarks="Awaiting the purchase order."),
)

PAYMENT_TERMS = timedelta(days=30)


async def seed(kernel: Kernel, *, owner: CallerContext) -> dict[str, int]:
    """Create the demo data as ``owner`` and return how many documents of each kind were made.

    Idempotent by a simple rule: when any Customer exists (whoever can see it) nothing is created and
    every count is 0. Each kind is inserted in one all-or-nothing batch; raises the Kernel's
    PermissionDenied when ``owner`` may not create or submit these documents.
    """
    counts = dict.fromkeys(("customers", "contacts", "items", "invoices", "submitted"), 0)
    if await kernel.count(SystemContext("crm seed: is there data already?"), Customer):
        return counts
    customers = await kernel.insert_many(owner, Customer, CUSTOMERS)
    customer_ids = {c.customer_name: c.id for c in customers}
    items = await kernel.insert_many(owner, Item, ITEMS)
    item_ids = {i.item_code: i.id for i in items}
    contacts = await kernel.insert_many(
        owner,
        Contact,
        [
            {
                "customer": customer_ids[customer],
                "first_name": first,
                "last_name": last,
                "email": email,
                "is_primary": primary,
            }
            for customer, first, last, email, primary in CONTACTS
        ],
    )
    today = kernel.clock.now().date()
    drafts = await kernel.insert_many(
        owner,
        SalesInvoice,
        [
            {
                "customer": customer_ids[plan.customer],
                "posting_date": today - timedelta(days=plan.days_ago),
                "due_date": today - timedelta(days=plan.days_ago) + PAYMENT_TERMS,
                "items": [
                    {"item": item_ids[code], "qty": qty, "rate": rate or "0"}
                    for code, qty, rate in plan.rows
                ],
                "taxes_rate": plan.taxes_rate,
                "paid_amount": "0" if plan.paid in (None, "full") else plan.paid,
                "remarks": plan.remarks,
            }
            for plan in INVOICES
        ],
    )
    submitted = 0
    for plan, invoice in zip(INVOICES, drafts, strict=True):
        if plan.paid == "full":
            # The grand total is the controller's to compute; pay exactly what it came to.
            invoice = await kernel.update(
                owner, SalesInvoice, invoice.id, {"paid_amount": invoice.grand_total}
            )
        if plan.submit:
            await kernel.submit(owner, SalesInvoice, invoice.id)
            submitted += 1
    counts.update(
        customers=len(customers),
        contacts=len(contacts),
        items=len(items),
        invoices=len(drafts),
        submitted=submitted,
    )
    return counts
