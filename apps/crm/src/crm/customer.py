"""Customers and the people we talk to at each of them (contacts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from framework_m import (
    Controller,
    DocType,
    FieldError,
    Link,
    PermissionRule,
    SystemContext,
    ValidationError,
)

from .roles import SALES_MANAGER, SALES_USER

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
"""A deliberately loose shape check (one ``@``, a dot in the domain, no spaces): deliverability is the
mail server's business, typos like ``anna.example.com`` are ours."""

CustomerType = Literal["Company", "Individual"]


class Customer(DocType):
    """Someone we sell to. Named after ``customer_name``, so two customers cannot share a name."""

    customer_name: str = Field(
        min_length=1,
        max_length=140,
        title="Customer Name",
        description="Legal or trading name; also the document's name, so it must be unique.",
    )
    customer_type: CustomerType = Field(
        default="Company",
        title="Customer Type",
        description="A company or a private individual.",
    )
    email: str | None = Field(
        default=None,
        pattern=EMAIL_PATTERN,
        max_length=254,
        title="Email",
        description="Where invoices are sent.",
    )
    territory: str | None = Field(
        default=None,
        max_length=140,
        title="Territory",
        description="Sales region the customer belongs to.",
    )
    credit_limit: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        max_digits=18,
        decimal_places=2,
        title="Credit Limit",
        description="Most the customer may owe on submitted invoices at once; 0 means no limit.",
    )
    disabled: bool = Field(
        default=False,
        title="Disabled",
        description="Disabled customers cannot be invoiced.",
    )

    class Meta:
        api_resource = True
        naming = "field:customer_name"
        title_field = "customer_name"
        search_fields = ("customer_name", "territory", "email")
        label = "Customer"
        description = "A company or person we sell to."
        permissions = [
            PermissionRule(role=SALES_USER, actions=frozenset({"read", "create", "write"})),
            PermissionRule(
                role=SALES_MANAGER, actions=frozenset({"read", "create", "write", "delete"})
            ),
        ]


class Contact(DocType):
    """A person at a customer. At most one contact per customer is the primary one."""

    first_name: str = Field(
        min_length=1, max_length=140, title="First Name", description="Given name."
    )
    last_name: str | None = Field(
        default=None, max_length=140, title="Last Name", description="Family name, if known."
    )
    email: str = Field(
        pattern=EMAIL_PATTERN, max_length=254, title="Email", description="Work email address."
    )
    phone: str | None = Field(
        default=None, max_length=40, title="Phone", description="Phone number, any format."
    )
    customer: Annotated[UUID, Link("Customer")] = Field(
        title="Customer", description="The customer this person works for."
    )
    is_primary: bool = Field(
        default=False,
        title="Primary Contact",
        description="The person to address first; one per customer.",
    )

    class Meta:
        api_resource = True
        title_field = "first_name"
        search_fields = ("first_name", "last_name", "email")
        indexes = [("customer",)]
        label = "Contact"
        description = "A person at a customer."
        permissions = [
            PermissionRule(role=SALES_USER, actions=frozenset({"read", "create", "write"})),
            PermissionRule(
                role=SALES_MANAGER, actions=frozenset({"read", "create", "write", "delete"})
            ),
        ]


class ContactController(Controller[Contact]):
    """Keeps "the primary contact" meaningful: a second primary contact for a customer is refused."""

    async def validate(self) -> None:
        if not self.doc.is_primary:
            return
        # The rule is about all contacts, not only those the caller may read.
        others = await self.kernel.count(
            SystemContext("crm: one primary contact per customer"),
            Contact,
            [
                ["customer", "=", self.doc.customer],
                ["is_primary", "=", True],
                ["id", "!=", self.doc.id],
            ],
        )
        if others:
            raise ValidationError(
                "this customer already has a primary contact",
                [
                    FieldError(
                        ["is_primary"], "the customer already has a primary contact", "unique"
                    )
                ],
            )
