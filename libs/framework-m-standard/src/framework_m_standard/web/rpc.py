"""Remote calls: a DocType's ``@whitelist`` methods and the ``@rpc`` functions apps register.

Only what is whitelisted or registered can be called; anything else is a 404 and never executed (the
Kernel checks, as for every other interface).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, post

from framework_m_core import ValidationError
from framework_m_core.errors import FieldError

from .context import caller, kernel
from .responses import ERROR_RESPONSES
from .routing import API_PREFIX, DeclaredOrderController


class RPCController(DeclaredOrderController):
    """``POST /api/v1/rpc/{doctype}/{method}`` and ``POST /api/v1/rpc/fn/{path}``; both answer
    ``{"result": …}``."""

    path = f"{API_PREFIX}/rpc"
    tags = ["rpc"]

    @post(
        "/{doctype:str}/{method:str}",
        operation_id="call_method",
        status_code=200,
        responses=ERROR_RESPONSES,
        summary="Call a @whitelist method; the body is {id, args}",
    )
    async def call_method(
        self, request: Request[Any, Any, Any], doctype: str, method: str, data: dict[str, Any]
    ) -> Any:
        key = data.get("id")
        args = data.get("args") or {}
        if not isinstance(key, str) or not isinstance(args, dict):
            raise ValidationError(
                'the body must be {"id": <document id or name>, "args": {...}}',
                [FieldError(["body", "id"], "expected a document id or name")],
            )
        return {"result": await kernel(request).call(caller(request), doctype, key, method, args)}

    @post(
        "/fn/{path:str}",
        operation_id="call_function",
        status_code=200,
        responses=ERROR_RESPONSES,
        summary="Call an @rpc function registered by an app; the body holds its arguments",
    )
    async def call_function(
        self, request: Request[Any, Any, Any], path: str, data: dict[str, Any] | None = None
    ) -> Any:
        return {"result": await kernel(request).call_rpc(caller(request), path, data or {})}
