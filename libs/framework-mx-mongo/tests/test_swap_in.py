"""The MX promise, end to end: the demo CRM installed from wheels into a fresh virtual environment
runs its HTTP journey on SQLite; installing framework-mx-mongo into the same environment, with no
change to the application, moves its documents to MongoDB — the same journey passes, ``m info``
names the Mongo adapters, and a plain PyMongo client finds the documents there and not in SQLite."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from bson.decimal128 import Decimal128
from pymongo import MongoClient

from framework_m_standard.web.testing import ServerProcess, free_port
from framework_mx_mongo.testing import unique_database, with_database

from .conftest import ROOT, Venv, fresh_venv, run

PASSWORD = "demo-password"


@contextmanager
def demo_server(venv: Venv, project: Path, env: dict[str, str]) -> Iterator[str]:
    """``scripts/demo.py`` run by the environment's own interpreter (users, seed data, m start)."""
    port = free_port()
    command = [
        str(venv.python),
        str(ROOT / "scripts" / "demo.py"),
        *("--project", str(project), "--port", str(port)),
    ]
    with ServerProcess(command, cwd=project.parent, port=port, env=env, timeout=90) as server:
        yield server.base


def _login(http: httpx.Client, email: str) -> dict[str, str]:
    response = http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def journey(base: str) -> str:
    """Login, create, list with filters, update with OCC, submit, cancel, a refusal; the invoice's name."""
    with httpx.Client(base_url=base, timeout=30) as http:
        sales, manager = _login(http, "sales@example.com"), _login(http, "manager@example.com")
        customer = http.post(
            "/api/v1/Customer", headers=sales, json={"customer_name": "Swap-in Traders"}
        )
        assert customer.status_code == 201, customer.text
        item = http.get(
            "/api/v1/Item", params={"filters": '{"item_code": "CONS-HR"}'}, headers=sales
        ).json()["items"][0]
        created = http.post(
            "/api/v1/SalesInvoice",
            headers=sales,
            json={
                "customer": customer.json()["id"],
                "posting_date": "2026-11-22",
                "items": [{"item": item["id"], "qty": 3}],
            },
        )
        assert created.status_code == 201, created.text
        invoice = created.json()
        listed = http.get(
            "/api/v1/SalesInvoice",
            headers=sales,
            params={
                "filters": json.dumps(
                    [["status", "=", "Draft"], ["customer_name", "like", "Swap-in%"]]
                ),
                "order_by": "modified desc",
            },
        ).json()
        assert [i["name"] for i in listed["items"]] == [invoice["name"]]
        assert listed["total"] == 1
        updated = http.patch(
            f"/api/v1/SalesInvoice/{invoice['name']}",
            headers=sales,
            json={"remarks": "first", "version": invoice["version"]},
        )
        assert updated.status_code == 200, updated.text
        stale = http.patch(
            f"/api/v1/SalesInvoice/{invoice['name']}",
            headers=sales,
            json={"remarks": "stale", "version": invoice["version"]},
        )
        assert stale.status_code == 409
        assert stale.json()["code"] == "version_conflict"
        submitted = http.post(f"/api/v1/SalesInvoice/{invoice['name']}/submit", headers=sales)
        assert submitted.status_code == 200, submitted.text
        refused = http.post(f"/api/v1/SalesInvoice/{invoice['name']}/cancel", headers=sales)
        assert refused.status_code == 403
        cancelled = http.post(f"/api/v1/SalesInvoice/{invoice['name']}/cancel", headers=manager)
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "Cancelled"
        name: str = invoice["name"]
        return name


def test_installing_framework_mx_mongo_moves_the_demo_to_mongodb(
    wheels: Path, mongo_url: str, tmp_path: Path
) -> None:
    venv = fresh_venv(tmp_path / "venv", wheels, "framework-m-crm")
    project = tmp_path / "project"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
    env["VIRTUAL_ENV"] = str(venv.path)

    with demo_server(venv, project, env) as base:
        on_sqlite = journey(base)
    database = project / "crm.sqlite3"
    with sqlite3.connect(database) as sql:
        assert sql.execute(
            "SELECT count(*) FROM sales_invoice WHERE name = ?", (on_sqlite,)
        ).fetchone() == (1,)

    venv.install("framework-mx-mongo")
    name = unique_database("fm_swap")
    url = with_database(mongo_url, name)
    env["FRAMEWORK_M_MONGO_URL"] = url
    info = run(venv.bin / "m", "info", cwd=project, env=env)
    for port in ("repository", "unit_of_work", "schema_manager", "naming_counter", "outbox"):
        line = next(line for line in info.splitlines() if line.strip().startswith(port))
        assert "framework-mx-mongo" in line, info
    with demo_server(venv, project, env) as base:
        on_mongo = journey(base)
    doctor = subprocess.run(
        [str(venv.bin / "m"), "doctor", "--json"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["database"]["status"] == "ok", doctor.stdout
    assert "'mongo' adapter" in checks["database"]["detail"]
    client: MongoClient[dict[str, object]] = MongoClient(url, uuidRepresentation="standard")
    try:
        stored = client[name]["SalesInvoice"].find_one({"name": on_mongo})
        assert stored is not None
        assert stored["docstatus"] == 2
        # Children embedded in order; decimals stored exactly as Decimal128.
        assert [row["qty"] for row in stored["items"]] == [Decimal128("3")]
        assert client[name]["Customer"].count_documents({"customer_name": "Swap-in Traders"}) == 1
        assert client[name]["User"].count_documents({}) == 3
    finally:
        client.drop_database(name)
        client.close()
    with sqlite3.connect(database) as sql:
        customers = sql.execute(
            "SELECT count(*) FROM customer WHERE customer_name = 'Swap-in Traders'"
        ).fetchone()
    assert customers == (1,)  # only the first journey's: the second one's went to MongoDB
