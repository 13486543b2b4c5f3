"""The HTTP API end to end: a real uvicorn process serving a real app, spoken to with httpx."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator

import httpx
import pytest

from framework_m_core.testing.projects import install_app
from framework_m_standard.web.testing import ServerProcess, free_port, uvicorn_command

APP_MODULE = textwrap.dedent("""
    from decimal import Decimal
    from typing import Annotated
    from uuid import UUID

    from pydantic import Field, computed_field

    from framework_m import App, ChildDocType, Controller, DocType, Link, PermissionRule, rpc, whitelist


    class Client(DocType):
        client_name: str = Field(min_length=1)

        class Meta:
            api_resource = True
            naming = "field:client_name"
            permissions = {"Clerk": ["read"], "Manager": ["read", "write", "create", "delete"]}


    class Line(ChildDocType):
        item: str
        qty: int = Field(gt=0)
        rate: Decimal = Decimal(0)


    class Order(DocType):
        client: Annotated[UUID, Link("Client")]
        lines: list[Line] = []
        total: Decimal = Decimal(0)

        class Meta:
            api_resource = True
            naming = "ORD-.####"
            is_submittable = True
            permissions = [
                PermissionRule(role="Clerk", rows="own", actions=frozenset({"read", "write", "create", "submit"})),
                PermissionRule(role="Manager", actions=frozenset({"read", "write", "create", "delete", "submit",
                                                                  "cancel", "amend"})),
            ]


    class Memo(DocType):
        text: str
        internal: str = Field(default="", exclude=True)

        @computed_field
        @property
        def length(self) -> int:
            return len(self.text)

        class Meta:
            api_resource = True
            permissions = {"Manager": ["read", "write", "create", "delete"]}


    class OrderController(Controller[Order]):
        def validate(self) -> None:
            self.doc.total = sum((line.qty * line.rate for line in self.doc.lines), Decimal(0))

        @whitelist(action="read")
        def describe(self, prefix: str = "") -> str:
            return f"{prefix}{self.doc.name}={self.doc.total}"

        @whitelist(action="read")
        def itself(self) -> Order:
            return self.doc


    @rpc(allow_guest=True)
    def ping(word: str = "pong") -> str:
        return word


    app = App(name="orders", doctypes=[Client, Order, Memo], controllers={"Order": OrderController}, rpc=[ping])
""")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a tiny app (installed through a real dist-info entry point) on SQLite, on a free port."""
    root = tmp_path_factory.mktemp("http")
    install_app(root, "orders_app", APP_MODULE, app_name="orders")
    (root / "framework_config.toml").write_text(
        f'apps = ["orders"]\n[database]\nurl = "sqlite:///{root}/api.sqlite3"\n'
        "[web]\ntrust_gateway_headers = true\nmax_body_size = 4096\n"
    )
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "FRAMEWORK_M_CONFIG": str(root / "framework_config.toml"),
    }
    command = uvicorn_command(port)
    with ServerProcess(command, cwd=root, port=port, env=env) as running:
        yield running.base


MANAGER = {"X-User-Id": "mia", "X-Roles": "Manager"}
ANN = {"X-User-Id": "ann", "X-Roles": "Clerk"}
BEN = {"X-User-Id": "ben", "X-Roles": "Clerk"}


def test_document_lifecycle_over_http(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        client = http.post("/api/v1/Client", json={"client_name": "Acme"}, headers=MANAGER)
        assert client.status_code == 201, client.text
        order = http.post(
            "/api/v1/Order",
            headers=ANN,
            json={
                "client": client.json()["id"],
                "lines": [{"item": "bolt", "qty": 4, "rate": "0.25"}],
            },
        )
        assert order.status_code == 201, order.text
        body = order.json()
        assert (body["name"], body["total"], body["owner"]) == ("ORD-0001", "1.00", "ann")

        listed = http.get(
            "/api/v1/Order",
            headers=ANN,
            params={"filters": '[["total", ">=", 1]]', "order_by": "modified desc"},
        )
        assert listed.status_code == 200
        assert listed.json()["total"] == 1
        assert listed.json()["has_more"] is False
        assert http.get("/api/v1/Order", headers=BEN).json()["items"] == []
        assert http.get(f"/api/v1/Order/{body['name']}", headers=BEN).status_code == 404

        patched = http.patch(
            f"/api/v1/Order/{body['id']}",
            headers=ANN,
            json={"lines": [{"item": "bolt", "qty": 8, "rate": "0.25"}], "version": 1},
        )
        assert patched.status_code == 200, patched.text
        assert (patched.json()["total"], patched.json()["version"]) == ("2.00", 2)
        stale = http.patch(
            f"/api/v1/Order/{body['id']}", headers=ANN, json={"lines": [], "version": 1}
        )
        assert stale.status_code == 409
        assert stale.headers["content-type"].startswith("application/problem+json")
        assert stale.json()["code"] == "version_conflict"

        submitted = http.post(
            f"/api/v1/Order/{body['id']}/submit", headers=ANN, json={"version": 2}
        )
        assert (submitted.status_code, submitted.json()["docstatus"]) == (200, 1)
        assert http.post(f"/api/v1/Order/{body['id']}/cancel", headers=ANN).status_code == 403
        cancelled = http.post(f"/api/v1/Order/{body['id']}/cancel", headers=MANAGER)
        assert cancelled.json()["docstatus"] == 2
        amended = http.post(f"/api/v1/Order/{body['id']}/amend", headers=MANAGER)
        assert (amended.status_code, amended.json()["name"]) == (201, "ORD-0001-1")

        described = http.post(
            "/api/v1/rpc/Order/describe",
            headers=ANN,
            json={"id": body["name"], "args": {"prefix": "#"}},
        )
        assert described.json() == {"result": "#ORD-0001=2.00"}
        itself = http.post("/api/v1/rpc/Order/itself", headers=ANN, json={"id": body["name"]})
        assert (
            itself.json()["result"] == http.get(f"/api/v1/Order/{body['id']}", headers=ANN).json()
        )
        assert (
            http.post(
                "/api/v1/rpc/Order/validate", headers=ANN, json={"id": body["name"]}
            ).status_code
            == 404
        )
        assert http.post("/api/v1/rpc/fn/orders_app.ping", json={"word": "hi"}).json() == {
            "result": "hi"
        }

        meta = http.get("/api/meta/Order", headers=ANN).json()
        assert set(meta["permitted_actions"]) == {"read", "write", "create", "submit"}
        assert {f["name"]: f["kind"] for f in meta["fields"]}["client"] == "link"
        assert (
            http.delete(f"/api/v1/Client/{client.json()['id']}", headers=MANAGER).status_code == 422
        )


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/api/v1/Order", {}, 403, "permission_denied"),
        (
            "GET",
            "/api/v1/Order",
            {"headers": ANN, "params": {"filters": '[["nope","=",1]]'}},
            400,
            "invalid_query",
        ),
        (
            "GET",
            "/api/v1/Order",
            {"headers": ANN, "params": {"limit": "5000"}},
            400,
            "invalid_query",
        ),
        (
            "POST",
            "/api/v1/Order",
            {"headers": ANN, "content": b"{not json"},
            400,
            "invalid_request",
        ),
        ("POST", "/api/v1/Order", {"headers": ANN, "json": {"client": "x"}}, 422, "validation"),
        ("POST", "/api/v1/Order", {"headers": ANN, "json": [1, 2]}, 422, "validation"),
        (
            "POST",
            "/api/v1/Order",
            {"headers": ANN, "json": {"lines": [{"item": "x" * 5000}]}},
            413,
            "body_too_large",
        ),
        ("GET", "/api/v1/Order/missing", {"headers": ANN}, 404, "not_found"),
        (
            "POST",
            "/api/v1/Order/x/submit",
            {"headers": ANN, "content": b"{nope"},
            400,
            "invalid_request",
        ),
        ("GET", "/api/v1/Nope", {"headers": ANN}, 404, "not_found"),
        ("DELETE", "/api/v1/Order", {"headers": ANN}, 405, "method_not_allowed"),
        ("POST", "/api/v1/Client", {"headers": MANAGER, "json": {"client_name": "Dup"}}, 201, None),
        (
            "POST",
            "/api/v1/Client",
            {"headers": MANAGER, "json": {"client_name": "Dup"}},
            409,
            "duplicate_name",
        ),
    ],
)
def test_errors_are_problem_json(
    server: str, method: str, path: str, kwargs: dict[str, object], status: int, code: str | None
) -> None:
    response = httpx.request(method, server + path, timeout=10, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    if code is not None:
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert (problem["status"], problem["code"]) == (status, code)
        assert problem["request_id"] == response.headers["x-request-id"]


def test_openapi_documents_every_route(server: str) -> None:
    spec = httpx.get(f"{server}/schema/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.1")
    order = spec["paths"]["/api/v1/Order"]
    assert order["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Order"
    )
    assert "application/problem+json" in order["post"]["responses"]["422"]["content"]
    assert {"/api/v1/Order/{key}/submit", "/api/v1/Order/{key}/amend", "/health", "/ready"} <= set(
        spec["paths"]
    )
    assert httpx.get(f"{server}/schema/redoc", timeout=10).status_code == 200


def test_field_selection_gives_the_same_json_forms_as_documents(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        client = http.post("/api/v1/Client", json={"client_name": "Fields"}, headers=MANAGER).json()
        http.post(
            "/api/v1/Order",
            headers=MANAGER,
            json={"client": client["id"], "lines": [{"item": "nut", "qty": 3, "rate": "0.5"}]},
        )
        full = http.get("/api/v1/Order", headers=MANAGER, params={"limit": 1}).json()["items"][0]
        picked = http.get(
            "/api/v1/Order", headers=MANAGER, params={"limit": 1, "fields": "total,creation"}
        ).json()["items"][0]
    assert set(picked) == {"id", "total", "creation"}
    assert {k: full[k] for k in picked} == picked


def test_listed_items_are_exactly_what_get_returns(server: str) -> None:
    """Lists serve stored records straight to the encoder when that gives the same JSON (Order), and
    documents when the model reshapes its JSON (Memo: a computed field and an excluded one)."""
    with httpx.Client(base_url=server, timeout=10, headers=MANAGER) as http:
        client = http.post("/api/v1/Client", json={"client_name": "Same JSON"}).json()
        http.post(
            "/api/v1/Order",
            json={"client": client["id"], "lines": [{"item": "bolt", "qty": 2, "rate": "0.25"}]},
        ).raise_for_status()
        http.post("/api/v1/Memo", json={"text": "hello", "internal": "hidden"}).raise_for_status()
        for doctype in ("Order", "Memo"):
            listed = http.get(f"/api/v1/{doctype}", params={"limit": 5}).json()["items"]
            assert listed
            for item in listed:
                assert http.get(f"/api/v1/{doctype}/{item['id']}").json() == item
        memo = http.get("/api/v1/Memo").json()["items"][0]
        probes = [
            http.get("/api/v1/Memo", params={"fields": "text,internal"}),
            http.get("/api/v1/Memo", params={"filters": '{"internal": "hidden"}'}),
            http.get("/api/v1/Memo", params={"order_by": "internal desc"}),
        ]
    assert memo["length"] == 5
    assert "internal" not in memo
    # A field the documents never show cannot be selected, filtered or sorted on either.
    for probe in probes:
        assert probe.status_code == 400, probe.text
        assert probe.json()["errors"][0]["type"] == "hidden_field"
