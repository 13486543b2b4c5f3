"""The DocTypes the conformance kit stores: every field kind, child tables, links, series and submit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ..app import App
from ..controller import Controller
from ..doctype import ChildDocType, DocType, FetchFrom, Link
from ..errors import ValidationError


class KitStatus(StrEnum):
    OPEN = "Open"
    CLOSED = "Closed"


class KitAddress(BaseModel):
    city: str
    zip: str | None = None


class KitCustomer(DocType):
    customer_name: str = Field(min_length=1)
    city: str | None = None

    class Meta:
        naming = "field:customer_name"
        permissions = {"Kit User": ["read", "write", "create", "delete"]}


class KitLine(ChildDocType):
    item: str
    qty: int = 1
    rate: Decimal = Field(default=Decimal("0"), max_digits=18, decimal_places=6)
    note: str | None = None


class KitTax(ChildDocType):
    account: str
    rate: Decimal = Field(default=Decimal("0"), max_digits=18, decimal_places=6)


class KitInvoice(DocType):
    customer: Annotated[UUID, Link("KitCustomer")]
    customer_name: Annotated[str | None, FetchFrom("customer.customer_name")] = None
    lines: list[KitLine] = []
    taxes: list[KitTax] = []
    remarks: str | None = None
    total: Decimal = Field(default=Decimal("0"), max_digits=18, decimal_places=6)

    class Meta:
        naming = "KINV-.YYYY.-.#####"
        is_submittable = True
        permissions = {
            "Kit User": ["read", "write", "create", "delete", "submit", "cancel", "amend"]
        }


class KitRecord(DocType):
    """One field of every supported kind, mostly nullable, for filter and round-trip checks."""

    title: str
    count: int | None = None
    ratio: float | None = None
    flag: bool = False
    amount: Decimal | None = Field(default=None, max_digits=18, decimal_places=6)
    day: dt.date | None = None
    at: dt.datetime | None = None
    clock: dt.time | None = None
    ref: UUID | None = None
    status: KitStatus | None = None
    kind: Literal["a", "b", "c"] | None = None
    tags: list[str] = []
    data: dict[str, Any] = {}
    address: KitAddress | None = None
    body: str | None = None

    class Meta:
        indexes = (("status",), ("day", "count"))
        search_fields = ("title",)


class KitSlot(DocType):
    code: str
    slot: int

    class Meta:
        naming = "format:{code}-{####}"
        unique_together = (("code", "slot"),)


FAILURE_PREFIX = "fail:"


class KitInvoiceController(Controller[KitInvoice]):
    """Totals the lines; ``remarks = "fail:<hook>"`` makes that hook raise, to check rollbacks."""

    def _maybe_fail(self, hook: str) -> None:
        if self.doc.remarks == f"{FAILURE_PREFIX}{hook}":
            raise ValidationError(f"{hook} failed on purpose")

    def validate(self) -> None:
        self._maybe_fail("validate")
        self.doc.total = sum((line.qty * line.rate for line in self.doc.lines), Decimal("0"))

    def before_insert(self) -> None:
        self._maybe_fail("before_insert")

    def after_insert(self) -> None:
        self._maybe_fail("after_insert")

    def before_save(self) -> None:
        self._maybe_fail("before_save")

    def after_save(self) -> None:
        self._maybe_fail("after_save")

    def on_submit(self) -> None:
        self._maybe_fail("on_submit")

    def on_cancel(self) -> None:
        self._maybe_fail("on_cancel")

    def after_delete(self) -> None:
        self._maybe_fail("after_delete")


kit_app = App(
    name="framework_m_conformance",
    doctypes=[KitCustomer, KitInvoice, KitRecord, KitSlot],
    controllers={"KitInvoice": KitInvoiceController},
)
