"""Liveness, readiness, metadata and RPC routes."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler

from framework_m_core import DocShare, PermissionDenied, SystemContext, ValidationError
from framework_m_core.errors import FieldError, FrameworkError

from .context import caller, kernel, runtime
from .problems import problem
from .responses import ERROR_RESPONSES


@get(
    "/health",
    tags=["system"],
    summary="Liveness: the process answers",
    exclude_from_auth=True,
    operation_id="health",
)
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/ready",
    tags=["system"],
    summary="Readiness: storage reachable and its schema in place",
    exclude_from_auth=True,
    operation_id="ready",
    responses={503: ERROR_RESPONSES[500]},
)
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    try:
        await kernel(request).count(SystemContext("readiness probe"), DocShare)
    except FrameworkError as exc:
        return problem(
            request, 503, code="not_ready", detail=f"storage is not ready: {exc.message}"
        )
    return Response(
        {"status": "ready", "apps": [a.app.name for a in runtime(request).registry.apps]}
    )


@get(
    "/api/meta/{doctype:str}",
    tags=["metadata"],
    operation_id="get_meta",
    responses=ERROR_RESPONSES,
    summary="A DocType's JSON Schema, field kinds, layout and the caller's permitted actions",
)
async def doctype_meta(request: Request[Any, Any, Any], doctype: str) -> dict[str, Any]:
    k, ctx = kernel(request), caller(request)
    meta = k.meta(doctype)
    actions = k.permitted_actions(ctx, doctype)
    if not actions:
        raise PermissionDenied(
            f"{ctx.user} has no access to {doctype}", details={"doctype": doctype}
        )
    fields = [
        {
            "name": spec.name,
            "kind": spec.kind,
            "label": spec.label,
            "description": spec.description,
            "required": spec.required,
            "nullable": spec.nullable,
            "standard": spec.standard,
            "options": list(spec.options) or None,
            "link": spec.link_doctype,
            "child": meta.children[spec.name].name if spec.name in meta.children else None,
            "fetch_from": spec.fetch_from.source if spec.fetch_from else None,
        }
        for spec in meta.fields.values()
    ]
    opts = meta.options
    return {
        "name": meta.name,
        "app": meta.app,
        "label": opts.label or meta.name,
        "description": opts.description,
        "schema": meta.model.model_json_schema(mode="serialization"),
        "fields": fields,
        "computed": list(meta.computed),
        "permitted_actions": sorted(actions),
        "options": {
            "naming": opts.naming,
            "is_submittable": opts.is_submittable,
            "is_single": opts.is_single,
            "title_field": opts.title_field,
            "search_fields": list(opts.search_fields),
            "track_changes": opts.track_changes,
        },
        "layout": [f["name"] for f in fields if not f["standard"]],
    }


@post(
    "/api/v1/rpc/{doctype:str}/{method:str}",
    tags=["rpc"],
    operation_id="call_method",
    status_code=200,
    responses=ERROR_RESPONSES,
    summary="Call a @whitelist method; the body is {id, args}",
)
async def call_method(
    request: Request[Any, Any, Any], doctype: str, method: str, data: dict[str, Any]
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
    "/api/v1/rpc/fn/{path:str}",
    tags=["rpc"],
    operation_id="call_function",
    status_code=200,
    responses=ERROR_RESPONSES,
    summary="Call an @rpc function registered by an app; the body holds its arguments",
)
async def call_function(
    request: Request[Any, Any, Any], path: str, data: dict[str, Any] | None = None
) -> Any:
    return {"result": await kernel(request).call_rpc(caller(request), path, data or {})}


SYSTEM_ROUTES: list[HTTPRouteHandler] = [health, ready, doctype_meta, call_method, call_function]
