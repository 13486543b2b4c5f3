"""Two roles by two owners by every action on the demo's Sales Invoices, over HTTP.

The rule under test: a Sales User acts on their own invoices within their grants; someone else's
invoice is indistinguishable from one that does not exist — whatever the route (get, list, count,
update, delete, lifecycle, RPC, shares); a Sales Manager acts on all of them; a signed-in user
without roles and a guest get nothing, not even metadata.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from .conftest import PASSWORD, Demo

SALES, OTHER, MANAGER, NOBODY = (
    "sales@example.com",
    "other.sales@example.com",
    "manager@example.com",
    "nobody@example.com",
)
Action = Callable[[httpx.Client, dict[str, str], dict[str, Any]], httpx.Response]


@pytest.fixture(scope="module")
def users(demo: Demo) -> dict[str, dict[str, str]]:
    for email, role in ((OTHER, "Sales User"), (NOBODY, None)):
        args = ["user", "add", email, "--password-stdin", *(["--role", role] if role else [])]
        done = demo.m(*args, stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    return {email: demo.token(email) for email in (SALES, OTHER, MANAGER, NOBODY)}


@pytest.fixture
def http(demo: Demo) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=demo.base, timeout=20) as client:
        yield client


def new_invoice(
    http: httpx.Client, owner: dict[str, str], *, state: str = "draft"
) -> dict[str, Any]:
    customer = http.get("/api/v1/Customer/Globex Ltd", headers=owner).json()
    item = http.get("/api/v1/Item/CONS-HR", headers=owner).json()
    response = http.post(
        "/api/v1/SalesInvoice",
        headers=owner,
        json={
            "customer": customer["id"],
            "posting_date": "2026-11-20",
            "items": [{"item": item["id"], "qty": 1}],
            "remarks": "matrix",
        },
    )
    assert response.status_code == 201, response.text
    doc: dict[str, Any] = response.json()
    if state in ("submitted", "cancelled"):
        doc = http.post(f"/api/v1/SalesInvoice/{doc['id']}/submit", headers=owner).json()
    return doc


ACTIONS: dict[str, tuple[str, Action, int]] = {
    # name: (invoice state it needs, the request, its success status)
    "get": ("draft", lambda h, a, d: h.get(f"/api/v1/SalesInvoice/{d['id']}", headers=a), 200),
    "get by name": (
        "draft",
        lambda h, a, d: h.get(f"/api/v1/SalesInvoice/{d['name']}", headers=a),
        200,
    ),
    "patch": (
        "draft",
        lambda h, a, d: h.patch(
            f"/api/v1/SalesInvoice/{d['id']}", headers=a, json={"remarks": "edited"}
        ),
        200,
    ),
    "put": (
        "draft",
        lambda h, a, d: h.put(
            f"/api/v1/SalesInvoice/{d['id']}",
            headers=a,
            json={k: v for k, v in d.items() if k not in ("name", "id")},
        ),
        200,
    ),
    "delete": (
        "draft",
        lambda h, a, d: h.delete(f"/api/v1/SalesInvoice/{d['id']}", headers=a),
        204,
    ),
    "submit": (
        "draft",
        lambda h, a, d: h.post(f"/api/v1/SalesInvoice/{d['id']}/submit", headers=a),
        200,
    ),
    "cancel": (
        "submitted",
        lambda h, a, d: h.post(f"/api/v1/SalesInvoice/{d['id']}/cancel", headers=a),
        200,
    ),
    "rpc": (
        "draft",
        lambda h, a, d: h.post(
            "/api/v1/rpc/SalesInvoice/outstanding", headers=a, json={"id": d["id"]}
        ),
        200,
    ),
    "shares": (
        "draft",
        lambda h, a, d: h.get(f"/api/v1/SalesInvoice/{d['id']}/shares", headers=a),
        200,
    ),
    "share": (
        "draft",
        lambda h, a, d: h.post(
            "/api/v1/share",
            headers=a,
            json={
                "doctype": "SalesInvoice",
                "document": d["id"],
                "user": "share.target@example.com",
            },
        ),
        201,
    ),
}
GRANTS = {
    SALES: ({"get", "get by name", "patch", "put", "submit", "rpc", "shares", "share"}, "own"),
    MANAGER: (set(ACTIONS), "all"),
    NOBODY: (set(), "all"),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("owner", [SALES, OTHER])
@pytest.mark.parametrize("caller", [SALES, MANAGER, NOBODY])
def test_every_action(
    http: httpx.Client, users: dict[str, dict[str, str]], caller: str, owner: str, action: str
) -> None:
    state, request, success = ACTIONS[action]
    doc = new_invoice(http, users[owner], state=state)
    absent = {**doc, "id": str(uuid.uuid4()), "name": "SINV-1999-99999"}
    granted, rows = GRANTS[caller]
    visible = rows == "all" or owner == caller
    response = request(http, users[caller], doc)
    if action in granted and visible:
        assert response.status_code == success, response.text
        return
    assert response.status_code in (403, 404), response.text
    if not visible or caller == NOBODY:
        if doc["name"] not in response.request.url.path:
            assert doc["name"] not in response.text  # nothing the caller did not already know
        # Someone else's invoice answers exactly like one that does not exist.
        twin = request(http, users[caller], absent)
        assert (response.status_code, response.json()["code"]) == (
            twin.status_code,
            twin.json()["code"],
        )
    if action == "amend":
        return
    after = http.get(f"/api/v1/SalesInvoice/{doc['id']}", headers=users[MANAGER]).json()
    assert (after["version"], after["docstatus"], after["remarks"]) == (
        doc["version"],
        doc["docstatus"],
        doc["remarks"],
    ), "a refused action changed the document"


@pytest.mark.parametrize("owner", [SALES, OTHER])
@pytest.mark.parametrize("caller", [SALES, MANAGER])
def test_amend(
    http: httpx.Client, users: dict[str, dict[str, str]], caller: str, owner: str
) -> None:
    doc = new_invoice(http, users[owner], state="submitted")
    cancelled = http.post(f"/api/v1/SalesInvoice/{doc['id']}/cancel", headers=users[MANAGER])
    assert cancelled.status_code == 200
    response = http.post(f"/api/v1/SalesInvoice/{doc['id']}/amend", headers=users[caller])
    if caller == MANAGER:
        assert response.status_code == 201
    else:
        assert response.status_code == (403 if owner == caller else 404)


@pytest.mark.parametrize("caller", [SALES, OTHER, MANAGER, NOBODY])
def test_list_and_count_show_only_what_the_caller_may_read(
    http: httpx.Client, users: dict[str, dict[str, str]], caller: str
) -> None:
    mine = new_invoice(http, users[SALES])
    theirs = new_invoice(http, users[OTHER])
    response = http.get("/api/v1/SalesInvoice", headers=users[caller], params={"limit": 1000})
    if caller == NOBODY:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    body = response.json()
    owners = {row["owner"] for row in body["items"]}
    names = {row["name"] for row in body["items"]}
    assert body["total"] == len(body["items"])
    if caller == MANAGER:
        assert {mine["name"], theirs["name"]} <= names
        return
    assert owners == {caller}
    hidden = theirs if caller == SALES else mine
    assert hidden["name"] not in names
    probes = [
        [["name", "=", hidden["name"]]],
        [["owner", "=", hidden["owner"]]],
        [["remarks", "like", "%matrix%"], ["owner", "!=", caller]],
    ]
    for flt in probes:
        probe = http.get(
            "/api/v1/SalesInvoice",
            headers=users[caller],
            params={"filters": json.dumps(flt), "fields": "name"},
        )
        assert probe.status_code == 200
        assert probe.json()["items"] == []
        assert probe.json()["total"] == 0


@pytest.mark.parametrize(
    ("caller", "actions"),
    [
        (SALES, ["create", "read", "submit", "write"]),
        (MANAGER, ["amend", "cancel", "create", "delete", "read", "submit", "write"]),
        (NOBODY, None),
        (None, None),
    ],
)
def test_meta_shows_the_callers_own_actions(
    http: httpx.Client,
    users: dict[str, dict[str, str]],
    caller: str | None,
    actions: list[str] | None,
) -> None:
    response = http.get("/api/meta/SalesInvoice", headers=users[caller] if caller else {})
    if actions is None:
        assert response.status_code == 403
        assert "items" not in response.text
        return
    assert response.status_code == 200
    assert response.json()["permitted_actions"] == actions


def test_guests_reach_nothing(http: httpx.Client, users: dict[str, dict[str, str]]) -> None:
    doc = new_invoice(http, users[SALES])
    for name, (_, request, _) in ACTIONS.items():
        response = request(http, {}, doc)
        assert response.status_code in (403, 404), name
    for path in ("/api/v1/SalesInvoice", "/api/v1/Customer", "/api/v1/User", "/api/v1/Role"):
        assert http.get(path).status_code == 403
