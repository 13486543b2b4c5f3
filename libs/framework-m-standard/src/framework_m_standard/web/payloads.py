"""What the document routes read from request bodies and write back as JSON.

Handlers receive bodies as plain JSON and the Kernel validates them (ADR 0003), so the shape checks
here are only the ones the Kernel cannot make: that a body is an object, and that a ``version`` sent
for optimistic concurrency is an integer. Each failure is a ValidationError naming the bad location.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from framework_m_core import DocTypeMeta, Page, ValidationError
from framework_m_core.errors import FieldError


def document_json(doc: BaseModel) -> dict[str, Any]:
    """A document in its JSON form (ISO dates, decimals as text), as every route returns it."""
    return doc.model_dump(mode="json")


def page_json(page: Page[Any], meta: DocTypeMeta | None = None) -> dict[str, Any]:
    """``{items, limit, offset, has_more[, total]}``. Items are documents, field-selected rows or, for a
    DocType whose stored records encode to its documents' JSON, the records themselves."""
    if meta is not None and meta.serves_records:
        items: list[Any] = page.items  # records encode to the documents' JSON: no rebuilding
    else:
        items = [document_json(d) if isinstance(d, BaseModel) else _plain(d) for d in page.items]
    body: dict[str, Any] = {
        "items": items,
        "limit": page.limit,
        "offset": page.offset,
        "has_more": page.has_more,
    }
    if page.total is not None:
        body["total"] = page.total
    return body


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    """A field-selected row in the same JSON forms as whole documents (ISO dates, decimals as text)."""
    plain: dict[str, Any] = to_jsonable_python(dict(row))
    return plain


def body_object(data: Any) -> dict[str, Any]:
    """``data`` when it is a JSON object; otherwise a ValidationError at ``["body"]``."""
    if not isinstance(data, dict):
        raise ValidationError(
            "the request body must be a JSON object", [FieldError(["body"], "expected an object")]
        )
    return data


def body_version(data: Any) -> int | None:
    """The ``version`` the caller read, when the body sends one; a ValidationError unless an integer."""
    if not isinstance(data, dict) or data.get("version") is None:
        return None
    value = data["version"]
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(
            "version must be an integer", [FieldError(["body", "version"], "expected an integer")]
        )
    return value
