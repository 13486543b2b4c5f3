"""Sales invoices: totals, naming, the business rules of the controller and the status lifecycle."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from crm import SALES_MANAGER, Customer, Item, Outstanding, SalesInvoice
from framework_m import (
    CallerContext,
    DocStatus,
    DocumentSubmitted,
    Kernel,
    LinkValidation,
    SystemContext,
    ValidationError,
)

pytestmark = pytest.mark.anyio

MIA = CallerContext.for_user("mia@example.com", SALES_MANAGER)
Masters = tuple[Customer, Item, Item]


def invoice_data(customer: Customer, *rows: tuple[Item, str, str], **extra: Any) -> dict[str, Any]:
    """Invoice input for ``customer`` with rows of (item, qty, rate)."""
    return {
        "customer": customer.id,
        "posting_date": "2026-03-16",
        "items": [{"item": item.id, "qty": qty, "rate": rate} for item, qty, rate in rows],
        **extra,
    }


def locs(error: ValidationError) -> list[list[str | int]]:
    return [e["loc"] for e in error.errors]


async def test_controller_prices_rows_and_computes_totals(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, nut = masters
    invoice = await kernel.create(
        MIA,
        SalesInvoice,
        invoice_data(
            acme, (bolt, "10", "0.30"), (nut, "7", "0"), taxes_rate="19", status="Paid", total="1"
        ),
    )
    bolts, nuts = invoice.items
    assert (bolts.rate, bolts.amount) == (Decimal("0.30"), Decimal("3.00"))
    assert (nuts.rate, nuts.amount) == (Decimal("0.10"), Decimal("0.70")), "rate 0 takes the item's"
    assert (nuts.item_name, nuts.uom) == ("Nut M8", "Box")
    assert invoice.customer_name == "Acme"
    assert invoice.total == Decimal("3.70")
    assert invoice.tax_amount == Decimal("0.70")  # 0.703 rounded to cents
    assert invoice.grand_total == Decimal("4.40")
    assert invoice.status == "Draft", "callers cannot set the status"
    stored = await kernel.get(MIA, SalesInvoice, invoice.id)
    assert (stored.grand_total, stored.items[1].amount) == (Decimal("4.40"), Decimal("0.70"))


async def test_update_recomputes_the_totals(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    invoice = await kernel.create(MIA, SalesInvoice, invoice_data(acme, (bolt, "4", "0")))
    updated = await kernel.update(
        MIA,
        SalesInvoice,
        invoice.id,
        {"items": [{"item": bolt.id, "qty": "8", "rate": "0"}], "taxes_rate": "10"},
        version=invoice.version,
    )
    assert (updated.total, updated.grand_total) == (Decimal("2.00"), Decimal("2.20"))


async def test_names_follow_the_yearly_series(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    first = await kernel.create(MIA, SalesInvoice, invoice_data(acme, (bolt, "1", "1")))
    batch = await kernel.insert_many(
        MIA, SalesInvoice, [invoice_data(acme, (bolt, "1", "1")) for _ in range(2)]
    )
    assert re.fullmatch(r"SINV-\d{4}-\d{5}", str(first.name))
    assert [first.name, *(i.name for i in batch)] == [
        "SINV-2026-00001",
        "SINV-2026-00002",
        "SINV-2026-00003",
    ]


async def test_an_invoice_needs_items(kernel: Kernel, masters: Masters) -> None:
    acme, _, _ = masters
    with pytest.raises(ValidationError) as caught:
        await kernel.create(MIA, SalesInvoice, invoice_data(acme))
    assert locs(caught.value) == [["items"]]


async def test_due_date_cannot_precede_posting_date(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    with pytest.raises(ValidationError) as caught:
        await kernel.create(
            MIA, SalesInvoice, invoice_data(acme, (bolt, "1", "1"), due_date="2026-03-15")
        )
    assert locs(caught.value) == [["due_date"]]
    same_day = await kernel.create(
        MIA, SalesInvoice, invoice_data(acme, (bolt, "1", "1"), due_date="2026-03-16")
    )
    assert same_day.due_date == date(2026, 3, 16)


async def test_quantities_must_be_positive(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    with pytest.raises(ValidationError) as caught:
        await kernel.create(MIA, SalesInvoice, invoice_data(acme, (bolt, "0", "1")))
    assert locs(caught.value) == [["items", 0, "qty"]]


async def test_disabled_customer_cannot_be_invoiced(kernel: Kernel, masters: Masters) -> None:
    _, bolt, _ = masters
    closed = await kernel.create(MIA, Customer, {"customer_name": "Closed", "disabled": True})
    with pytest.raises(ValidationError) as caught:
        await kernel.create(MIA, SalesInvoice, invoice_data(closed, (bolt, "1", "1")))
    assert locs(caught.value) == [["customer"]]


async def test_disabled_customer_blocks_submitting_a_draft(
    kernel: Kernel, masters: Masters
) -> None:
    acme, bolt, _ = masters
    draft = await kernel.create(MIA, SalesInvoice, invoice_data(acme, (bolt, "1", "1")))
    await kernel.update(MIA, Customer, acme.id, {"disabled": True})
    with pytest.raises(ValidationError):
        await kernel.submit(MIA, SalesInvoice, draft.id)


async def test_disabled_items_are_refused_per_row(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, nut = masters
    await kernel.update(MIA, Item, nut.id, {"disabled": True})
    with pytest.raises(ValidationError) as caught:
        await kernel.create(
            MIA, SalesInvoice, invoice_data(acme, (bolt, "1", "0"), (nut, "1", "0"))
        )
    assert locs(caught.value) == [["items", 1, "item"]]


async def test_an_item_deleted_under_a_draft_is_reported_on_submit(
    kernel: Kernel, masters: Masters
) -> None:
    """The Kernel guards only top-level Links against deletes, so the controller reports the row."""
    acme, bolt, nut = masters
    draft = await kernel.create(
        MIA, SalesInvoice, invoice_data(acme, (bolt, "1", "0"), (nut, "1", "0"))
    )
    await kernel.delete(MIA, Item, nut.id)
    with pytest.raises(ValidationError) as caught:
        await kernel.submit(MIA, SalesInvoice, draft.id)
    assert caught.value.errors[0]["type"] == "link_not_found"
    assert locs(caught.value) == [["items", 1, "item"]]
    with pytest.raises(LinkValidation):
        await kernel.update(MIA, SalesInvoice, draft.id, {"remarks": "still there?"})


async def test_paid_amount_cannot_exceed_the_grand_total(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    with pytest.raises(ValidationError) as caught:
        await kernel.create(
            MIA, SalesInvoice, invoice_data(acme, (bolt, "4", "0"), paid_amount="1.01")
        )
    assert locs(caught.value) == [["paid_amount"]]


async def test_credit_limit_counts_every_unpaid_submitted_invoice(
    kernel: Kernel, masters: Masters
) -> None:
    _, bolt, _ = masters
    capped = await kernel.create(MIA, Customer, {"customer_name": "Capped", "credit_limit": "100"})
    first = await kernel.create(MIA, SalesInvoice, invoice_data(capped, (bolt, "1", "60")))
    second = await kernel.create(MIA, SalesInvoice, invoice_data(capped, (bolt, "1", "30")))
    await kernel.submit(MIA, SalesInvoice, first.id)
    await kernel.submit(MIA, SalesInvoice, second.id)  # 90 owed: fine
    with pytest.raises(ValidationError) as caught:
        await kernel.create(MIA, SalesInvoice, invoice_data(capped, (bolt, "1", "20")))
    assert locs(caught.value) == [["grand_total"]]
    # Money received up front does not count as owed; nor do cancelled invoices.
    prepaid = await kernel.create(
        MIA, SalesInvoice, invoice_data(capped, (bolt, "1", "20"), paid_amount="15")
    )
    assert prepaid.grand_total == Decimal("20.00")
    await kernel.cancel(MIA, SalesInvoice, first.id)
    await kernel.create(MIA, SalesInvoice, invoice_data(capped, (bolt, "1", "65")))


async def test_submit_and_cancel_keep_the_status(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    draft = await kernel.create(MIA, SalesInvoice, invoice_data(acme, (bolt, "2", "0")))
    submitted = await kernel.submit(MIA, SalesInvoice, draft.id)
    assert (submitted.docstatus, submitted.status) == (DocStatus.SUBMITTED, "Unpaid")
    assert (await kernel.get(MIA, SalesInvoice, draft.id)).status == "Unpaid", "status is stored"
    cancelled = await kernel.cancel(MIA, SalesInvoice, draft.id)
    assert (cancelled.docstatus, cancelled.status) == (DocStatus.CANCELLED, "Cancelled")
    assert (await kernel.get(MIA, SalesInvoice, draft.id)).status == "Cancelled"
    amended = await kernel.amend(MIA, SalesInvoice, draft.id)
    assert (amended.name, amended.status) == (f"{draft.name}-1", "Draft")


async def test_paid_up_front_submits_as_paid(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    draft = await kernel.create(
        MIA, SalesInvoice, invoice_data(acme, (bolt, "4", "0"), paid_amount="1")
    )
    paid = await kernel.submit(MIA, SalesInvoice, draft.id)
    assert paid.status == "Paid"
    assert (await kernel.get(MIA, SalesInvoice, draft.id)).status == "Paid"


async def test_submitted_invoices_are_frozen(kernel: Kernel, masters: Masters) -> None:
    """Why payments are not recorded on a submitted invoice: the Kernel refuses every edit."""
    acme, bolt, _ = masters
    draft = await kernel.create(MIA, SalesInvoice, invoice_data(acme, (bolt, "4", "0")))
    await kernel.submit(MIA, SalesInvoice, draft.id)
    with pytest.raises(DocumentSubmitted):
        await kernel.update(MIA, SalesInvoice, draft.id, {"paid_amount": "1"})


async def test_outstanding_reports_what_is_owed(kernel: Kernel, masters: Masters) -> None:
    acme, bolt, _ = masters
    draft = await kernel.create(
        MIA,
        SalesInvoice,
        invoice_data(acme, (bolt, "40", "0"), paid_amount="4", due_date="2026-04-15"),
    )
    before = await kernel.call(MIA, SalesInvoice, draft.id, "outstanding", {})
    assert isinstance(before, Outstanding)
    assert (before.status, before.outstanding) == ("Draft", Decimal("0.00"))
    await kernel.submit(MIA, SalesInvoice, draft.id)
    on_time = await kernel.call(MIA, SalesInvoice, str(draft.name), "outstanding", {})
    assert (on_time.outstanding, on_time.overdue_days) == (Decimal("6.00"), 0)
    late = await kernel.call(MIA, SalesInvoice, draft.id, "outstanding", {"as_of": "2026-04-25"})
    assert late == Outstanding(
        invoice="SINV-2026-00001",
        status="Unpaid",
        grand_total=Decimal("10.00"),
        paid_amount=Decimal("4.00"),
        outstanding=Decimal("6.00"),
        due_date=date(2026, 4, 15),
        overdue_days=10,
    )
    await kernel.cancel(MIA, SalesInvoice, draft.id)
    after = await kernel.call(SystemContext(), SalesInvoice, draft.id, "outstanding", {})
    assert (after.status, after.outstanding) == ("Cancelled", Decimal("0.00"))
