"""Reading OpenAPI documents for the client generators: what is understood, and the errors for what
is not (each names the JSON pointer at fault)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from framework_m_core.errors import ValidationError
from framework_m_studio.codegen.api import NULL, ObjectSchema, TypeRef, union
from framework_m_studio.codegen.layout import Group, block, py_str
from framework_m_studio.codegen.names import camel, pascal, snake, type_name
from framework_m_studio.codegen.openapi import read_api
from framework_m_studio.codegen.source import document_url

EDGE_CASES = Path(__file__).resolve().parent / "openapi_edge_cases.json"


def minimal(**extra: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}, **extra}


def test_the_edge_case_document() -> None:
    api = read_api(json.loads(EDGE_CASES.read_text()))
    assert (api.title, api.version, api.openapi) == ("Edge cases", "2.0", "3.0.3")
    assert (api.bearer, api.api_key_header, api.sign_in_path) == (True, "X-Key", None)
    assert api.skipped == (
        "get_/items/{item-id}: cookie parameter 'session' is not exposed",
        "get_/items/{item-id}: header parameter 'Authorization' is not exposed",
    )
    get_item = api.operations[0]
    assert (get_item.id, get_item.method) == ("get_/items/{item-id}", "GET")
    assert [(p.location, p.name, p.required) for p in get_item.parameters] == [
        ("path", "item-id", True),
        ("query", "filter[status]", False),
        ("query", "class", True),
        ("query", "since", False),
        ("header", "X-Trace-Id", False),
    ]
    node = api.schemas["Node"]
    assert isinstance(node, ObjectSchema)
    parent = next(p for p in node.properties if p.name == "parent")
    assert parent.type == union(TypeRef("ref", ref="Node"), NULL), "3.0 nullable on an allOf ref"
    merged = api.schemas["Merged"]
    assert isinstance(merged, ObjectSchema)
    assert [p.name for p in merged.properties] == ["kind", "radius", "label"], "in allOf order"
    assert "CreateItemResult" in api.schemas, "an inline response object gets a name"
    upload = next(op for op in api.operations if op.id == "upload")
    assert upload.body is not None
    assert (upload.body.media_type, upload.body.type, upload.body.required) == (
        "application/octet-stream",
        None,
        False,
    )
    shapes = next(op for op in api.operations if op.id == "listShapes")
    assert shapes.result.status == 200, "2XX reads as 200"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "OpenAPI document, /: the document must be a JSON object"),
        ({"swagger": "2.0"}, "not an OpenAPI 3 document (version '2.0')"),
        (
            minimal(components={"schemas": {"A": {"$ref": "other.json#/A"}}}),
            "/components/schemas/A: only references inside the document are supported",
        ),
        (
            minimal(components={"schemas": {"A": {"$ref": "#/components/schemas/B"}}}),
            "/components/schemas/A: reference '#/components/schemas/B' points at nothing",
        ),
        (
            minimal(
                paths={
                    "/x": {
                        "get": {
                            "parameters": [{"$ref": "#/components/parameters/P"}],
                            "responses": {"204": {"description": "ok"}},
                        }
                    }
                },
                components={"parameters": {"P": {"$ref": "#/components/parameters/P"}}},
            ),
            "reference cycle through '#/components/parameters/P'",
        ),
        (
            minimal(
                components={
                    "schemas": {
                        "A": {
                            "allOf": [
                                {"$ref": "#/components/schemas/A"},
                                {"properties": {"x": {"type": "string"}}},
                            ]
                        }
                    }
                }
            ),
            "/components/schemas/A: allOf refers back to itself",
        ),
        (
            minimal(paths={"/x": {"get": {"responses": {}}}}),
            "/paths/~1x/get/responses: an operation needs responses",
        ),
        (
            minimal(
                paths={"/x": {"get": {"parameters": [{"in": "query"}], "responses": {"200": {}}}}}
            ),
            "a parameter needs a name and in: path, query, header or cookie",
        ),
    ],
)
def test_documents_it_cannot_represent_are_refused(document: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read_api(document)
    assert message in caught.value.message
    assert caught.value.message.startswith("OpenAPI document, ")


def test_names_for_both_languages() -> None:
    assert (snake("list_SalesInvoice"), camel("list_SalesInvoice")) == (
        "list_sales_invoice",
        "listSalesInvoice",
    )
    assert snake("getHTTPStatus") == "get_http_status"
    assert camel("create-item") == "createItem"
    assert pascal("sales invoice item") == "SalesInvoiceItem"
    assert type_name("SalesInvoice") == "SalesInvoice", "the server's own names are kept"
    assert type_name("order.Line") == "OrderLine"


def test_document_urls() -> None:
    assert document_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000/schema/openapi.json"
    assert (
        document_url("https://api.example.com/v2/spec.json")
        == "https://api.example.com/v2/spec.json"
    )
    with pytest.raises(ValidationError, match="must be an http"):
        document_url("127.0.0.1:8000")


def test_layout_follows_ruff() -> None:
    assert py_str('say "hi"') == "'say \"hi\"'"
    assert py_str("it's") == '"it\'s"'
    assert py_str("tab\tand\u2028") == '"tab\\tand\\u2028"'
    call = Group("f", "(", ("alpha", "beta"), ")")
    assert block(call, limit=20) == "f(alpha, beta)"
    assert block(call, limit=10) == "f(\n    alpha,\n    beta,\n)"
