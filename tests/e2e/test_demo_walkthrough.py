"""The README's journey, over HTTP against the demo: sign in, create, list with filters, update,
submit, cancel and amend a Sales Invoice."""

from __future__ import annotations

import json

import httpx

from .conftest import Demo


def test_a_new_user_follows_the_readme(demo: Demo) -> None:
    with httpx.Client(base_url=demo.base, timeout=10) as http:
        sales = demo.token("sales@example.com")
        customers = http.get("/api/v1/Customer", params={"fields": "id,name"}, headers=sales)
        assert customers.status_code == 200, customers.text
        customer = next(c for c in customers.json()["items"] if c["name"] == "Acme Corporation")
        items = http.get(
            "/api/v1/Item", params={"filters": '{"item_code": "CONS-HR"}'}, headers=sales
        ).json()["items"]
        assert len(items) == 1

        created = http.post(
            "/api/v1/SalesInvoice",
            headers=sales,
            json={
                "customer": customer["id"],
                "posting_date": "2026-11-22",
                "items": [{"item": items[0]["id"], "qty": 2}],
            },
        )
        assert created.status_code == 201, created.text
        invoice = created.json()
        assert invoice["name"].startswith("SINV-")
        assert invoice["customer_name"] == "Acme Corporation"
        assert invoice["items"][0]["rate"] == items[0]["standard_rate"]
        assert invoice["status"] == "Draft"

        listed = http.get(
            "/api/v1/SalesInvoice",
            headers=sales,
            params={
                "filters": json.dumps(
                    [["status", "=", "Draft"], ["customer", "=", customer["id"]]]
                ),
                "order_by": "modified desc",
                "fields": "name,grand_total,status",
                "limit": 5,
            },
        )
        assert listed.status_code == 200, listed.text
        assert listed.json()["items"][0]["name"] == invoice["name"]

        updated = http.patch(
            f"/api/v1/SalesInvoice/{invoice['name']}",
            headers=sales,
            json={"remarks": "deliver on Monday", "version": invoice["version"]},
        )
        assert updated.status_code == 200, updated.text
        stale = http.patch(
            f"/api/v1/SalesInvoice/{invoice['name']}",
            headers=sales,
            json={"remarks": "too late", "version": invoice["version"]},
        )
        assert stale.status_code == 409
        assert stale.json()["code"] == "version_conflict"

        submitted = http.post(f"/api/v1/SalesInvoice/{invoice['name']}/submit", headers=sales)
        assert submitted.status_code == 200, submitted.text
        assert (submitted.json()["docstatus"], submitted.json()["status"]) == (1, "Unpaid")
        frozen = http.patch(
            f"/api/v1/SalesInvoice/{invoice['name']}", headers=sales, json={"remarks": "changed"}
        )
        assert frozen.status_code == 409
        assert frozen.json()["code"] == "document_submitted"

        refused = http.post(f"/api/v1/SalesInvoice/{invoice['name']}/cancel", headers=sales)
        assert refused.status_code == 403
        manager = demo.token("manager@example.com")
        cancelled = http.post(f"/api/v1/SalesInvoice/{invoice['name']}/cancel", headers=manager)
        assert cancelled.status_code == 200, cancelled.text
        assert (cancelled.json()["docstatus"], cancelled.json()["status"]) == (2, "Cancelled")
        amended = http.post(f"/api/v1/SalesInvoice/{invoice['name']}/amend", headers=manager)
        assert amended.status_code == 201
        assert amended.json()["name"] == f"{invoice['name']}-1"


def test_the_demo_reports_its_users_and_health(demo: Demo) -> None:
    with httpx.Client(base_url=demo.base, timeout=10) as http:
        assert http.get("/health").json() == {"status": "ok"}
        assert http.get("/ready").json()["apps"] == ["core", "identity", "crm"]
        me = http.get("/api/v1/auth/me", headers=demo.token("manager@example.com")).json()
        assert me["roles"] == ["Sales Manager"]
        docs = http.get("/schema/openapi.json").json()
        assert set(docs["components"]["securitySchemes"]) == {"bearer", "apiKey", "session"}
