"""OpenAPI descriptions of the problem+json error responses every API route can give."""

from __future__ import annotations

from typing import Any

from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel, Field

from .problems import PROBLEM_JSON


class FieldProblem(BaseModel):
    loc: list[str | int] = Field(
        description="path to the offending input, e.g. ['body', 'items', 0, 'qty']"
    )
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details with the framework's machine ``code``."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str
    code: str = Field(
        description="stable machine code, e.g. validation, not_found, version_conflict"
    )
    request_id: str
    errors: list[FieldProblem] | None = None


def _spec(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_JSON,
        description=description,
        generate_examples=False,
    )


class SharedResponses(dict[int, Any]):
    """Response descriptions shared by many handlers and never changed. Litestar deep-copies a
    controller's handlers for every controller it registers (one set per DocType); sharing this
    mapping instead of copying it keeps that copy, and so ``create_app``, as cheap as the plain route
    functions were."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedResponses:
        return self


ERROR_RESPONSES = SharedResponses(
    {
        400: _spec("Malformed request: bad JSON, filters, fields or paging"),
        401: _spec("Credentials were given but are not valid"),
        403: _spec("The caller may not do this"),
        404: _spec("No such document (or the caller may not see it)"),
        409: _spec("Stale version, duplicate name, or the document is submitted"),
        413: _spec("The request body is too large"),
        422: _spec("The document is invalid; errors lists each field"),
        500: _spec("A bug; quote the request id"),
    }
)

LOGIN_RESPONSES = SharedResponses(
    {
        **ERROR_RESPONSES,
        429: _spec("Too many failed sign-ins for the account or address; see Retry-After"),
    }
)
