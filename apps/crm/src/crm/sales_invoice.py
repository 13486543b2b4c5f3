"""Sales invoices: what a customer owes for which items, from draft through submit and cancel.

Amounts, the status and rates left at 0 are the controller's job, so they are right whatever a caller
sends. A submitted invoice is frozen (the Kernel accepts only ``cancel`` on it), so money received is
recorded up front in ``paid_amount`` (a cash sale) and what is still owed is reported by the read-only
``outstanding`` method rather than by editing the submitted document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from framework_m import (
    CallerContext,
    ChildDocType,
    Controller,
    DocStatus,
    DocType,
    FetchFrom,
    FieldError,
    Link,
    PermissionRule,
    SystemContext,
    ValidationError,
    whitelist,
)

from .customer import Customer
from .item import Item
from .roles import SALES_MANAGER, SALES_USER

InvoiceStatus = Literal["Draft", "Unpaid", "Paid", "Cancelled"]

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to cents, half up, as amounts are printed; stored money fields hold two places."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class SalesInvoiceItem(ChildDocType):
    """One invoice row: an item, how many and at what rate. ``amount`` is computed on every save."""

    item: Annotated[UUID, Link("Item")] = Field(title="Item", description="The item sold.")
    item_name: Annotated[str | None, FetchFrom("item.item_name")] = Field(
        default=None, title="Item Name", description="Copied from the item on every save."
    )
    uom: Annotated[str | None, FetchFrom("item.uom")] = Field(
        default=None, title="UOM", description="Copied from the item on every save."
    )
    qty: Decimal = Field(
        default=Decimal("1"),
        gt=0,
        max_digits=12,
        decimal_places=3,
        title="Quantity",
        description="How many units; must be more than 0.",
    )
    rate: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        max_digits=18,
        decimal_places=2,
        title="Rate",
        description="Price per unit; 0 takes the item's standard rate.",
    )
    amount: Decimal = Field(
        default=Decimal("0"),
        max_digits=18,
        decimal_places=2,
        title="Amount",
        description="Quantity times rate, rounded to cents (computed).",
    )


class SalesInvoice(DocType):
    """A bill to a customer. Drafts can be edited; submitting fixes it and makes it count as owed."""

    customer: Annotated[UUID, Link("Customer")] = Field(
        title="Customer", description="Who is billed."
    )
    customer_name: Annotated[str | None, FetchFrom("customer.customer_name")] = Field(
        default=None, title="Customer Name", description="Copied from the customer on every save."
    )
    posting_date: date = Field(title="Posting Date", description="The invoice date.")
    due_date: date | None = Field(
        default=None,
        title="Due Date",
        description="When payment is due; not before the posting date.",
    )
    items: list[SalesInvoiceItem] = Field(
        default_factory=list, title="Items", description="What is billed; at least one row."
    )
    total: Decimal = Field(
        default=Decimal("0"),
        max_digits=18,
        decimal_places=2,
        title="Total",
        description="Sum of the row amounts (computed).",
    )
    taxes_rate: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        title="Tax Rate (%)",
        description="Tax charged on the total, in percent.",
    )
    tax_amount: Decimal = Field(
        default=Decimal("0"),
        max_digits=18,
        decimal_places=2,
        title="Tax Amount",
        description="Total times tax rate, rounded to cents (computed).",
    )
    grand_total: Decimal = Field(
        default=Decimal("0"),
        max_digits=18,
        decimal_places=2,
        title="Grand Total",
        description="Total plus tax (computed).",
    )
    paid_amount: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        max_digits=18,
        decimal_places=2,
        title="Paid Amount",
        description="Received when the invoice was issued (a cash sale); at most the grand total.",
    )
    status: InvoiceStatus = Field(
        default="Draft",
        title="Status",
        description="Draft, Unpaid or Paid once submitted, Cancelled (maintained by the app).",
    )
    remarks: str | None = Field(
        default=None, title="Remarks", description="Free text printed on the invoice."
    )

    class Meta:
        api_resource = True
        naming = "SINV-.YYYY.-.#####"
        is_submittable = True
        title_field = "customer_name"
        search_fields = ("customer_name", "status")
        indexes = [("customer",), ("status",), ("posting_date",)]
        label = "Sales Invoice"
        description = "A bill to a customer for items sold."
        # Sales users see and handle only the invoices they created; managers handle all of them.
        permissions = [
            PermissionRule(
                role=SALES_USER,
                rows="own",
                actions=frozenset({"read", "write", "create", "submit"}),
            ),
            PermissionRule(
                role=SALES_MANAGER,
                actions=frozenset(
                    {"read", "write", "create", "delete", "submit", "cancel", "amend"}
                ),
            ),
        ]


class Outstanding(BaseModel):
    """What ``SalesInvoice.outstanding`` reports: amounts owed on one invoice as of a day."""

    model_config = ConfigDict(frozen=True)

    invoice: str
    status: InvoiceStatus
    grand_total: Decimal
    paid_amount: Decimal
    outstanding: Decimal
    due_date: date | None
    overdue_days: int


class SalesInvoiceController(Controller[SalesInvoice]):
    """Prices rows, computes totals, keeps ``status`` and enforces the sales rules.

    Reference data (customers, items, other invoices) is read as the system: the rules must hold for
    every invoice, not only for what the caller happens to be allowed to see. Those reads join the
    operation's transaction, so they see exactly what the save will commit against.
    """

    @property
    def _system(self) -> CallerContext:
        return SystemContext("crm: sales invoice rules")

    async def validate(self) -> None:
        """Runs on every save and again on submit (not on cancel); raises ValidationError."""
        doc = self.doc
        if not doc.items:
            raise ValidationError(
                "a sales invoice needs at least one item",
                [FieldError(["items"], "add at least one item", "missing")],
            )
        if doc.due_date is not None and doc.due_date < doc.posting_date:
            raise ValidationError(
                "the due date is before the posting date",
                [FieldError(["due_date"], "must not be before the posting date", "date_order")],
            )
        customer: Customer = await self.kernel.get(self._system, Customer, doc.customer)
        if customer.disabled:
            raise ValidationError(
                f"customer {customer.name} is disabled",
                [FieldError(["customer"], "the customer is disabled", "disabled")],
            )
        await self._price_rows()
        doc.paid_amount = money(doc.paid_amount)
        doc.total = sum((row.amount for row in doc.items), Decimal("0"))
        doc.tax_amount = money(doc.total * doc.taxes_rate / 100)
        doc.grand_total = doc.total + doc.tax_amount
        if doc.paid_amount > doc.grand_total:
            raise ValidationError(
                "the paid amount is more than the grand total",
                [FieldError(["paid_amount"], "must not exceed the grand total", "too_large")],
            )
        if doc.docstatus == DocStatus.DRAFT:
            doc.status = "Draft"
        await self._check_credit(customer)

    def before_submit(self) -> None:
        # Not on_submit: on_* hooks run after the row is written, so a change there would be lost.
        self.doc.status = "Paid" if self.doc.paid_amount >= self.doc.grand_total else "Unpaid"

    def before_cancel(self) -> None:
        self.doc.status = "Cancelled"

    @whitelist(action="read")
    def outstanding(self, as_of: date | None = None) -> Outstanding:
        """What is still owed on this invoice and for how many days it has been overdue on ``as_of``
        (today by the Kernel's clock). Drafts and cancelled invoices owe nothing."""
        doc = self.doc
        as_of = as_of or self.kernel.clock.now().date()
        submitted = doc.docstatus == DocStatus.SUBMITTED
        owed = doc.grand_total - doc.paid_amount if submitted else Decimal("0")
        overdue_days = 0
        if owed > 0 and doc.due_date is not None and as_of > doc.due_date:
            overdue_days = (as_of - doc.due_date).days
        return Outstanding(
            invoice=str(doc.name),
            status=doc.status,
            grand_total=doc.grand_total,
            paid_amount=doc.paid_amount,
            outstanding=money(owed),
            due_date=doc.due_date,
            overdue_days=overdue_days,
        )

    async def _price_rows(self) -> None:
        """Fill rates left at 0 from the items and compute amounts; refuse disabled or missing items.

        An item can vanish under a draft: the Kernel protects only top-level Links from deletion, not
        Links in child rows, so a missing item is reported per row instead of failing on a lookup."""
        ids = sorted({row.item for row in self.doc.items})
        found = await self._all(Item, [["id", "in", ids]])
        items: dict[UUID, Item] = {item.id: item for item in found}
        errors: list[FieldError] = []
        for i, row in enumerate(self.doc.items):
            item = items.get(row.item)
            if item is None:
                errors.append(
                    FieldError(["items", i, "item"], "the item does not exist", "link_not_found")
                )
                continue
            if item.disabled:
                errors.append(
                    FieldError(["items", i, "item"], f"item {item.name} is disabled", "disabled")
                )
                continue
            row.rate = money(row.rate or item.standard_rate)
            row.amount = money(row.qty * row.rate)
        if errors:
            raise ValidationError("some invoice rows cannot be billed", errors)

    async def _check_credit(self, customer: Customer) -> None:
        """Refuse an invoice that would take what the customer owes past their credit limit.

        Owed means this invoice plus every other submitted invoice not fully paid."""
        if customer.credit_limit <= 0:
            return
        owed = self.doc.grand_total - self.doc.paid_amount
        others = await self._all(
            SalesInvoice,
            [
                ["customer", "=", customer.id],
                ["status", "=", "Unpaid"],
                ["id", "!=", self.doc.id],
            ],
            fields=["grand_total", "paid_amount"],
        )
        owed += sum(
            (Decimal(r["grand_total"]) - Decimal(r["paid_amount"]) for r in others), Decimal("0")
        )
        if owed > customer.credit_limit:
            raise ValidationError(
                f"customer {customer.name} would owe {owed}, over their credit limit of "
                f"{customer.credit_limit}",
                [
                    FieldError(
                        ["grand_total"], "exceeds the customer's credit limit", "credit_limit"
                    )
                ],
            )

    async def _all(
        self, doctype: type[DocType], filters: Any, fields: Sequence[str] | None = None
    ) -> list[Any]:
        """Every matching document (or row of ``fields``), a page of the Kernel's maximum at a time."""
        rows: list[Any] = []
        while True:
            page = await self.kernel.list(
                self._system,
                doctype,
                filters=filters,
                fields=fields,
                limit=self.kernel.max_limit,
                offset=len(rows),
            )
            rows.extend(page.items)
            if not page.has_more:
                return rows
