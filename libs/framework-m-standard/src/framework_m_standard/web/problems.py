"""Errors as RFC 9457 problem+json: the core's machine code, a per-field list for bad input, a request id.

The status comes from the error's class, found the way Starlette and Litestar find an exception
handler: the nearest class in the exception's MRO that has a status wins. So an application's
``class Overbooked(ValidationError)`` answers 422 under its own code ``overbooked``. A framework
error with no such ancestor, and any other exception, becomes a bare 500 that leaks nothing; the
details go to the log under the request id.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException, ValidationException

from framework_m_core.errors import (
    AdapterError,
    Conflict,
    DocumentSubmitted,
    FrameworkError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    QueryError,
    RateLimited,
    Unauthenticated,
    ValidationError,
)

CSRF_COOKIE = "fm_csrf"
SESSION_COOKIE = "fm_session"

log = logging.getLogger("framework_m.http")

PROBLEM_JSON = "application/problem+json"
REQUEST_ID = "request_id"

STATUS_BY_ERROR: dict[type[FrameworkError], int] = {
    ValidationError: 422,  # and LinkValidation
    QueryError: 400,
    PermissionDenied: 403,
    Unauthenticated: 401,
    RateLimited: 429,
    NotFound: 404,
    Conflict: 409,  # and VersionConflict, DuplicateName
    DocumentSubmitted: 409,
    InvalidTransition: 409,
    AdapterError: 503,
}
"""The classes that bring a status of their own; every other error class answers with its nearest
listed ancestor's (``status_of``). ConfigurationError is left out on purpose: it is a 500."""

TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def request_id(request: Request[Any, Any, Any]) -> str:
    """The request's id: the caller's ``X-Request-ID`` when it looks sane, else a new one."""
    state = request.scope.setdefault("state", {})
    found = state.get(REQUEST_ID)
    if found is None:
        incoming = request.headers.get("x-request-id", "")
        found = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        state[REQUEST_ID] = found
    return str(found)


def problem(
    request: Request[Any, Any, Any],
    status: int,
    *,
    code: str,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    cookies: list[Cookie] | None = None,
    **extensions: Any,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"urn:framework-m:problem:{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "instance": request.url.path,
        "code": code,
        REQUEST_ID: request_id(request),
    }
    if detail:
        body["detail"] = detail
    body.update(extensions)
    return Response(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={**(headers or {}), "X-Request-ID": body[REQUEST_ID]},
        cookies=cookies,
    )


def status_of(error: FrameworkError) -> int | None:
    """The status of the nearest class in ``error``'s MRO listed in ``STATUS_BY_ERROR``, or ``None``
    when no ancestor has one (the error then answers as an unexpected one)."""
    for cls in type(error).__mro__:
        status = STATUS_BY_ERROR.get(cls)
        if status is not None:
            return status
    return None


def on_framework_error(
    request: Request[Any, Any, Any], exc: FrameworkError
) -> Response[dict[str, Any]]:
    """problem+json with the status of the error's class and the error's own ``code``.

    A 503 (an adapter failed) is logged and says only that a backing service is unavailable: its
    message is the driver's. A 401 asks for credentials and drops a dead session cookie; a 429 says
    when to retry."""
    status = status_of(exc)
    if status is None:
        return on_unexpected(request, exc)
    if status == 503:
        log.error(
            "adapter failure [%s] %s %s: %s",
            request_id(request),
            request.method,
            request.url.path,
            exc.message,
            exc_info=exc,
        )
        return problem(request, 503, code=exc.code, detail="a backing service is unavailable")
    extra = {k: v for k, v in exc.details.items() if k != "errors"}
    if "errors" in exc.details:
        extra["errors"] = exc.details["errors"]
    headers: dict[str, str] = {}
    cookies: list[Cookie] = []
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="framework-m"'
        if SESSION_COOKIE in request.cookies:
            # A dead session cookie would make every later request 401 too: drop it.
            cookies = [
                Cookie(key=name, value="", max_age=0, path="/")
                for name in (SESSION_COOKIE, CSRF_COOKIE)
            ]
    elif status == 429:
        headers["Retry-After"] = str(exc.details.get("retry_after", 1))
    return problem(
        request,
        status,
        code=exc.code,
        detail=exc.message,
        headers=headers,
        cookies=cookies,
        **extra,
    )


def on_validation(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    raw = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        {
            "loc": [e.get("source", "body"), *([e["key"]] if e.get("key") else [])],
            "message": e.get("message", ""),
            "type": "invalid",
        }
        for e in raw
        if isinstance(e, dict)
    ]
    # Bad query parameters (a limit above the maximum…) are the same mistake the Kernel reports as
    # invalid_query, whichever layer notices first.
    in_query = bool(errors) and all(e["loc"][0] == "query" for e in errors)
    code = "invalid_query" if in_query else "invalid_request"
    return problem(request, 400, code=code, detail=exc.detail, errors=errors)


def on_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    if exc.status_code >= 500:
        return on_unexpected(request, exc)
    code = {
        401: "unauthenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        413: "body_too_large",
        429: "rate_limited",
    }.get(exc.status_code, "invalid_request")
    return problem(
        request, exc.status_code, code=code, detail=exc.detail, headers=dict(exc.headers or {})
    )


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    rid = request_id(request)
    log.error("unhandled error [%s] %s %s", rid, request.method, request.url.path, exc_info=exc)
    return problem(
        request, 500, code="internal", detail=f"an internal error occurred; quote request id {rid}"
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    FrameworkError: on_framework_error,
    ValidationException: on_validation,
    HTTPException: on_http_error,
    500: on_unexpected,
}
