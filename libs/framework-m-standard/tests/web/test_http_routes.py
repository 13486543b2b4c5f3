"""Routes are classes: each concern is a Litestar controller whose handlers can be found, read and
tested by name, and a DocType's controllers are made from them when the app is built.

The whole API, end to end, is in ``test_http_api.py``; these tests take the controllers one at a time.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import create_test_client
from pydantic import Field

from framework_m_core import App, DocType
from framework_m_core.registry import MetaRegistry
from framework_m_standard.web.documents import DocumentsController
from framework_m_standard.web.lifecycle import LifecycleController
from framework_m_standard.web.problems import EXCEPTION_HANDLERS
from framework_m_standard.web.routes import api_routes
from framework_m_standard.web.routing import DocTypeController
from framework_m_standard.web.shares import DocumentSharesController


class Invoice(DocType):
    customer: str = Field(min_length=1)

    class Meta:
        api_resource = True
        is_submittable = True
        permissions = {"Clerk": ["read", "write", "create", "submit"]}


class Note(DocType):
    text: str = ""

    class Meta:
        api_resource = True
        permissions = {"Clerk": ["read", "write", "create"]}


# Litestar 2.25 deprecates the inferred path-parameter style and ``data`` without a body marker, which
# every route of the web layer uses (as it did before routes were classes); building an app in this
# process would otherwise fail under ``filterwarnings = error``. Servers build theirs in a subprocess.
pytestmark = [
    pytest.mark.filterwarnings(f"ignore:{message}:litestar.exceptions.LitestarDeprecationWarning")
    for message in (".*declared using deprecated", ".*declared without a body marker")
]

REGISTRY = MetaRegistry([App(name="billing", doctypes=[Invoice, Note])])


def _served(controller: type[Any]) -> dict[str, Any]:
    """The OpenAPI operations of an app serving only ``controller``, by operation id."""
    with create_test_client(route_handlers=[controller]) as client:
        spec = client.app.openapi_schema.to_schema()
    return {
        operation["operationId"]: {"path": path, "method": method, **operation}
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }


def test_each_doctype_is_served_by_the_controllers_of_its_concerns() -> None:
    served = [
        route.__name__
        for route in api_routes(REGISTRY)
        if isinstance(route, type) and issubclass(route, DocTypeController)
    ]
    assert served == [
        "DocumentsController[Invoice]",
        "DocumentSharesController[Invoice]",
        "LifecycleController[Invoice]",
        "DocumentsController[Note]",
        "DocumentSharesController[Note]",
    ]


def test_a_doctype_controller_names_its_operations_and_schemas_after_the_doctype() -> None:
    operations = _served(DocumentsController.for_doctype(REGISTRY.get("Invoice")))
    assert list(operations) == [
        "list_Invoice",
        "create_Invoice",
        "bulk_create_Invoice",
        "get_Invoice",
        "replace_Invoice",
        "delete_Invoice",
        "update_Invoice",
    ]
    create, patch = operations["create_Invoice"], operations["update_Invoice"]
    assert create["summary"] == "Create a Invoice"
    assert create["tags"] == ["Invoice"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"] == "#/components/schemas/Invoice"
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == body
    patch_body = patch["requestBody"]["content"]["application/json"]["schema"]
    assert patch_body["$ref"] == "#/components/schemas/InvoicePatch"
    bulk = operations["bulk_create_Invoice"]["requestBody"]["content"]["application/json"]
    assert bulk["schema"] == {"items": body, "type": "array"}


def test_routes_keep_the_order_their_class_declares() -> None:
    meta = REGISTRY.get("Invoice")
    with create_test_client(
        route_handlers=[
            DocumentsController.for_doctype(meta),
            DocumentSharesController.for_doctype(meta),
            LifecycleController.for_doctype(meta),
        ]
    ) as client:
        paths = list(client.app.openapi_schema.to_schema()["paths"])
    assert paths == [
        "/api/v1/Invoice",
        "/api/v1/Invoice/bulk",
        "/api/v1/Invoice/{key}",
        "/api/v1/Invoice/{key}/shares",
        "/api/v1/Invoice/{key}/submit",
        "/api/v1/Invoice/{key}/cancel",
        "/api/v1/Invoice/{key}/amend",
    ]


def test_two_doctypes_share_the_handlers_but_not_their_names() -> None:
    invoices = DocumentSharesController.for_doctype(REGISTRY.get("Invoice"))
    notes = DocumentSharesController.for_doctype(REGISTRY.get("Note"))
    assert invoices.list_shares is notes.list_shares is DocumentSharesController.list_shares
    assert DocumentSharesController.list_shares.operation_id == "list_shares_{doctype}"
    assert set(_served(invoices)) == {"list_shares_Invoice"}
    assert _served(notes)["list_shares_Note"]["tags"] == ["sharing"]


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/api/v1/Invoice/x/submit", b"{not json", 400, "invalid_request"),
        ("/api/v1/Invoice/x/amend", b"{not json", 400, "invalid_request"),
        ("/api/v1/Invoice/x/cancel", b'{"version": "2"}', 422, "validation"),
    ],
)
def test_a_lifecycle_handler_refuses_a_bad_body_before_the_kernel(
    path: str, body: bytes, status: int, code: str
) -> None:
    """The controller alone, with no runtime at all: the body is checked before the Kernel is asked."""
    controller = LifecycleController.for_doctype(REGISTRY.get("Invoice"))
    with create_test_client(
        route_handlers=[controller], exception_handlers=EXCEPTION_HANDLERS
    ) as client:
        response = client.post(path, content=body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
