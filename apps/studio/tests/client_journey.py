"""Drives a generated Python client (package ``crm_client``) through the demo CRM.

Run by test_codegen_client.py as ``python client_journey.py BASE_URL`` with the generated package on
``PYTHONPATH``, and type-checked there with ``mypy --strict`` next to the package: what a user of the
client writes must type-check as well as run. Prints ``journey ok`` at the end.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

from crm_client import ApiError, AsyncClient, Client, models

PASSWORD = "demo-password"


def refused(status: int, code: str, call: Callable[[], object]) -> ApiError:
    """The ApiError ``call`` raises, checked for ``status`` and ``code``."""
    caught: ApiError | None = None
    try:
        call()
    except ApiError as error:
        caught = error
    assert caught is not None, f"expected {status} {code}"
    assert (caught.status, caught.code) == (status, code), caught
    assert caught.request_id, "every problem carries a request id"
    return caught


async def refused_async(status: int, code: str, call: Awaitable[object]) -> ApiError:
    caught: ApiError | None = None
    try:
        await call
    except ApiError as error:
        caught = error
    assert caught is not None, f"expected {status} {code}"
    assert (caught.status, caught.code) == (status, code), caught
    return caught


def sales_journey(base: str) -> str:
    """As a Sales User: create, list, update (with a stale version too), submit; returns the name."""
    with Client(base) as api:
        signed_in = api.sign_in("sales@example.com", PASSWORD)
        assert signed_in["user"]["roles"] == ["Sales User"]
        acme = api.get_customer("Acme Corporation")
        assert acme.id is not None
        assert acme.customer_type == "Company"
        item = api.list_item(filters=json.dumps({"item_code": "LIC-STD"}), fields="id")["items"][0]

        draft = models.SalesInvoice(
            customer=acme.id,
            posting_date=date(2026, 11, 22),
            taxes_rate=Decimal("10"),
            items=[
                models.SalesInvoiceItem(item=UUID(item["id"]), qty=Decimal("2")),
                models.SalesInvoiceItem(item=UUID(item["id"]), rate=Decimal("400")),
            ],
        )
        invoice = api.create_sales_invoice(draft)
        name = invoice.name
        assert name is not None
        assert name.startswith("SINV-")
        assert [row.amount for row in invoice.items] == [Decimal("980.00"), Decimal("400.00")]
        assert (invoice.grand_total, invoice.status) == (Decimal("1518.00"), "Draft")

        page = api.list_sales_invoice(
            filters=json.dumps([["status", "=", "Draft"], ["customer", "=", str(acme.id)]]),
            fields="name,grand_total",
            order_by="modified desc",
            limit=5,
        )
        first = page["items"][0]
        assert (first["name"], first["grand_total"]) == (name, "1518.00")

        patch = models.SalesInvoicePatch(remarks="deliver on Monday", version=invoice.version)
        updated = api.update_sales_invoice(name, patch)
        assert (updated.remarks, updated.version) == ("deliver on Monday", invoice.version + 1)
        assert updated.taxes_rate == Decimal("10.00"), "fields not sent are left alone"
        refused(409, "version_conflict", lambda: api.update_sales_invoice(name, patch))

        empty = models.SalesInvoice(customer=acme.id, posting_date=date.today())
        invalid = refused(422, "validation", lambda: api.create_sales_invoice(empty))
        assert [(e.loc, e.type) for e in invalid.errors] == [(("items",), "missing")]

        submitted = api.submit_sales_invoice(name)
        assert (submitted.docstatus, submitted.status) == (1, "Unpaid")
        refused(403, "permission_denied", lambda: api.cancel_sales_invoice(name))

        owed = api.call_method("SalesInvoice", "outstanding", {"id": name, "args": {}})
        assert owed["result"]["outstanding"] == "1518.00"

        key = api.create_api_key(models.ApiKeyBody(label="codegen test"))
        api.logout()
    with Client(base, api_key=str(key["token"])) as by_key:
        assert by_key.me()["auth"] == "api_key"
        assert by_key.get_sales_invoice(name).status == "Unpaid"
    return name


async def manager_journey(base: str, name: str) -> None:
    """As a Sales Manager, with the async client: cancel and amend, see a 404, delete the draft."""
    async with AsyncClient(base) as api:
        await api.sign_in("manager@example.com", PASSWORD)
        cancelled = await api.cancel_sales_invoice(name)
        assert (cancelled.docstatus, cancelled.status) == (2, "Cancelled")
        await refused_async(404, "not_found", api.get_sales_invoice("SINV-1999-99999"))
        amended = await api.amend_sales_invoice(name)
        assert (amended.name, amended.docstatus) == (f"{name}-1", 0)
        await api.delete_sales_invoice(f"{name}-1", hard=True)
        await refused_async(404, "not_found", api.get_sales_invoice(f"{name}-1"))


def main() -> None:
    base = sys.argv[1]
    name = sales_journey(base)
    asyncio.run(manager_journey(base, name))
    print("journey ok")


if __name__ == "__main__":
    main()
