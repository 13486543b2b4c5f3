"""A small invoicing app driven through the Kernel on the in-memory adapters.

Run it with ``uv run python docs/examples/invoicing.py``; ``tests/examples/test_invoicing.py`` runs it too.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, computed_field

from framework_m_core import (
    App,
    CallerContext,
    ChildDocType,
    Controller,
    DocType,
    FetchFrom,
    Kernel,
    Link,
    NotFound,
    PermissionDenied,
    PermissionRule,
    ValidationError,
    VersionConflict,
    in_memory_kernel,
    whitelist,
)


class Customer(DocType):
    customer_name: str = Field(min_length=1)
    territory: Literal["North", "South"] = "North"

    class Meta:
        naming = "field:customer_name"
        permissions = [
            PermissionRule(role="Accounts User", actions=frozenset({"read"})),
            PermissionRule(role="Accounts Manager", actions=frozenset({"read", "write", "create"})),
        ]


class InvoiceItem(ChildDocType):
    item: str
    qty: int = Field(gt=0)
    rate: Decimal = Field(ge=0, decimal_places=2)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def amount(self) -> Decimal:
        return self.qty * self.rate


class Invoice(DocType):
    customer: Annotated[UUID, Link("Customer")]
    customer_name: Annotated[str | None, FetchFrom("customer.customer_name")] = None
    items: list[InvoiceItem] = []
    total: Decimal = Decimal("0")

    class Meta:
        naming = "INV-.YYYY.-.####"
        is_submittable = True
        title_field = "customer_name"
        # Accounts users work on their own invoices only; managers on all of them.
        permissions = [
            PermissionRule(
                role="Accounts User",
                rows="own",
                actions=frozenset({"read", "write", "create", "submit"}),
            ),
            PermissionRule(
                role="Accounts Manager",
                actions=frozenset({"read", "write", "create", "submit", "cancel", "amend"}),
            ),
        ]


class InvoiceController(Controller[Invoice]):
    def validate(self) -> None:
        if not self.doc.items:
            raise ValidationError("an invoice needs at least one item")
        self.doc.total = sum((row.amount for row in self.doc.items), Decimal("0"))

    @whitelist(action="read")
    def summary(self, currency: str = "EUR") -> str:
        return f"{self.doc.name}: {self.doc.total} {currency}"


app = App(
    name="invoicing", doctypes=[Customer, Invoice], controllers={"Invoice": InvoiceController}
)

alice = CallerContext.for_user("alice@example.com", "Accounts User")
bob = CallerContext.for_user("bob@example.com", "Accounts User")
manager = CallerContext.for_user("mia@example.com", "Accounts Manager")
stranger = CallerContext.for_user("sam@example.com", "Website User")


async def main(kernel: Kernel | None = None) -> dict[str, object]:
    kernel = kernel or await in_memory_kernel([app])
    acme = await kernel.create(manager, Customer, {"customer_name": "Acme"})

    # Create: named from the series, total computed by the controller, customer name fetched.
    invoice = await kernel.create(
        alice,
        Invoice,
        {
            "customer": acme.id,
            "items": [
                {"item": "Bolt", "qty": 10, "rate": "0.25"},
                {"item": "Nut", "qty": 10, "rate": "0.10"},
            ],
        },
    )
    assert str(invoice.name).startswith("INV-")
    assert str(invoice.name).endswith("-0001")
    assert invoice.total == Decimal("3.50")
    assert invoice.customer_name == "Acme"

    # Update with the version we read; a second update with that same (now stale) version conflicts.
    invoice = await kernel.update(
        alice,
        Invoice,
        invoice.id,
        {"items": [{"item": "Bolt", "qty": 20, "rate": "0.25"}]},
        version=invoice.version,
    )
    try:
        await kernel.update(alice, Invoice, invoice.id, {"total": 0}, version=invoice.version - 1)
        raise AssertionError("a stale version must conflict")
    except VersionConflict as conflict:
        stale = conflict.code

    # Submit (alice may), cancel (only the manager may), amend into a new draft INV-…-0001-1.
    invoice = await kernel.submit(alice, Invoice, invoice.name)
    cancelled = await kernel.cancel(manager, Invoice, invoice.id)
    amended = await kernel.amend(manager, Invoice, cancelled.id)
    assert amended.name == f"{invoice.name}-1"
    assert amended.amended_from == invoice.id

    # Permissions: no role → denied; row-level security hides alice's invoices from bob.
    try:
        await kernel.list(stranger, Invoice)
        raise AssertionError("a user without a role must be denied")
    except PermissionDenied as denied:
        no_role = denied.code
    bobs_view = await kernel.list(bob, Invoice, with_total=True)
    try:
        await kernel.get(bob, Invoice, invoice.id)
        raise AssertionError("bob must not see alice's invoice")
    except NotFound:
        pass
    summary = await kernel.call(alice, Invoice, invoice.id, "summary", {"currency": "USD"})
    return {
        "stale_update": stale,
        "stranger": no_role,
        "bob_sees": bobs_view.total,
        "manager_sees": (await kernel.list(manager, Invoice, with_total=True)).total,
        "amended": amended.name,
        "summary": summary,
    }


if __name__ == "__main__":
    print(asyncio.run(main()))
