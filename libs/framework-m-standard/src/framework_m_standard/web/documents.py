"""REST routes of one DocType, all going through the Kernel (no route touches a repository).

Built once per ``api_resource`` DocType when the app is constructed, so the OpenAPI document shows each
DocType's schema (see ADR 0003). This module deliberately has no ``from __future__ import annotations``:
Litestar reads the closures' annotations at run time.
"""

import json
from collections.abc import Mapping
from typing import Any, Literal, Optional

from litestar import Request, Response, delete, get, patch, post, put
from litestar.exceptions import ClientException
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter
from pydantic import BaseModel, create_model
from pydantic_core import to_jsonable_python

from framework_m_core import DocTypeMeta, Page, ValidationError
from framework_m_core.errors import FieldError
from framework_m_core.query import MAX_LIMIT, MAX_OFFSET

from .context import caller, kernel
from .dto import JSONBodyDTO
from .responses import ERROR_RESPONSES

Transition = Literal["submit", "cancel", "amend"]


def _json(doc: BaseModel) -> dict[str, Any]:
    return doc.model_dump(mode="json")


def _page(page: Page[Any], meta: DocTypeMeta | None = None) -> dict[str, Any]:
    if meta is not None and meta.serves_records:
        items: list[Any] = page.items  # records encode to the documents' JSON: no rebuilding
    else:
        items = [_json(d) if isinstance(d, BaseModel) else _plain(d) for d in page.items]
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


def _version(data: Any) -> int | None:
    if not isinstance(data, dict) or data.get("version") is None:
        return None
    value = data["version"]
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(
            "version must be an integer", [FieldError(["body", "version"], "expected an integer")]
        )
    return value


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError(
            "the request body must be a JSON object", [FieldError(["body"], "expected an object")]
        )
    return data


def _patch_model(meta: DocTypeMeta) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (Optional[info.annotation], None)  # noqa: UP045 - built at run time
        for name, info in meta.model.model_fields.items()
    }
    return create_model(f"{meta.name}Patch", **fields)


def _dto(body_type: Any) -> type[JSONBodyDTO[Any]]:
    """``JSONBodyDTO[body_type]`` for a type only known at run time."""
    return JSONBodyDTO[body_type]


def document_routes(meta: DocTypeMeta) -> list[HTTPRouteHandler]:
    """The CRUD, bulk and lifecycle routes of ``meta`` under ``/api/v1/<DocType>``."""
    name, model = meta.name, meta.model
    base = f"/api/v1/{name}"
    opts: dict[str, Any] = {"tags": [name], "responses": ERROR_RESPONSES}
    body = _dto(model)
    patch_body = _dto(_patch_model(meta))
    bulk_body = _dto(list[model])  # type: ignore[valid-type]

    async def list_documents(
        request: Request[Any, Any, Any],
        filters: str | None = Parameter(
            default=None, description='Frappe filters: [["status","=","Open"]] or {"status":"Open"}'
        ),
        fields: str | None = Parameter(
            default=None, description="comma-separated or JSON list of fields"
        ),
        order_by: str | None = Parameter(default=None, description='e.g. "modified desc, name"'),
        limit: int | None = Parameter(default=None, ge=1, le=MAX_LIMIT, description="page size"),
        offset: int = Parameter(default=0, ge=0, le=MAX_OFFSET),
        with_total: bool = Parameter(default=True, description="count all matching rows"),
    ) -> dict[str, Any]:
        page = await kernel(request).list(
            caller(request),
            name,
            filters=filters,
            fields=fields,
            order_by=order_by,
            limit=limit,
            offset=offset,
            with_total=with_total,
            records=meta.serves_records,
        )
        return _page(page, meta)

    async def create_document(request: Request[Any, Any, Any], data: Any) -> Any:
        doc = await kernel(request).create(caller(request), name, _object(data))
        return _json(doc)

    async def bulk_create(request: Request[Any, Any, Any], data: Any) -> Any:
        if not isinstance(data, list):
            raise ValidationError(
                "the request body must be a JSON array", [FieldError(["body"], "expected an array")]
            )
        docs = await kernel(request).insert_many(
            caller(request), name, [_object(item) for item in data]
        )
        return {"items": [_json(d) for d in docs]}

    async def get_document(request: Request[Any, Any, Any], key: str) -> Any:
        return _json(await kernel(request).get(caller(request), name, key))

    async def replace_document(request: Request[Any, Any, Any], key: str, data: Any) -> Any:
        payload = _object(data)
        doc = await kernel(request).update(
            caller(request), name, key, payload, version=_version(payload), replace=True
        )
        return _json(doc)

    async def patch_document(request: Request[Any, Any, Any], key: str, data: Any) -> Any:
        payload = _object(data)
        doc = await kernel(request).update(
            caller(request), name, key, payload, version=_version(payload)
        )
        return _json(doc)

    async def delete_document(
        request: Request[Any, Any, Any],
        key: str,
        hard: bool = Parameter(default=False, description="remove for good instead of hiding"),
        version: int | None = Parameter(default=None, description="the version you read"),
    ) -> None:
        await kernel(request).delete(caller(request), name, key, hard=hard, version=version)

    async def list_shares(
        request: Request[Any, Any, Any],
        key: str,
        limit: int | None = Parameter(default=None, ge=1, le=MAX_LIMIT, description="page size"),
        offset: int = Parameter(default=0, ge=0, le=MAX_OFFSET),
    ) -> dict[str, Any]:
        page = await kernel(request).shares(caller(request), name, key, limit=limit, offset=offset)
        return _page(page)

    def lifecycle(action: Transition) -> HTTPRouteHandler:
        async def transition(request: Request[Any, Any, Any], key: str) -> Any:
            raw = await request.body()
            try:
                data = json.loads(raw) if raw.strip() else {}
            except ValueError as exc:
                raise ClientException(f"the request body is not valid JSON: {exc}") from None
            k, ctx = kernel(request), caller(request)
            if action == "amend":
                return Response(_json(await k.amend(ctx, name, key)), status_code=201)
            method = k.submit if action == "submit" else k.cancel
            return _json(await method(ctx, name, key, version=_version(data)))

        transition.__annotations__["return"] = model
        return post(
            f"{base}/{{key:str}}/{action}",
            operation_id=f"{action}_{name}",
            status_code=200,
            summary=f"{action.title()} a {name}",
            **opts,
        )(transition)

    for handler in (create_document, get_document, replace_document, patch_document):
        handler.__annotations__["return"] = model
    return [
        get(base, operation_id=f"list_{name}", summary=f"List {name}", **opts)(list_documents),
        post(
            base,
            operation_id=f"create_{name}",
            summary=f"Create a {name}",
            dto=body,
            return_dto=None,
            **opts,
        )(create_document),
        post(
            f"{base}/bulk",
            operation_id=f"bulk_create_{name}",
            summary=f"Create many {name} (all or nothing)",
            dto=bulk_body,
            return_dto=None,
            **opts,
        )(bulk_create),
        get(
            f"{base}/{{key:str}}",
            operation_id=f"get_{name}",
            summary=f"Get a {name} by id or name",
            **opts,
        )(get_document),
        put(
            f"{base}/{{key:str}}",
            operation_id=f"replace_{name}",
            summary=f"Replace a {name}",
            dto=body,
            return_dto=None,
            **opts,
        )(replace_document),
        patch(
            f"{base}/{{key:str}}",
            operation_id=f"update_{name}",
            summary=f"Update fields of a {name}",
            dto=patch_body,
            return_dto=None,
            **opts,
        )(patch_document),
        delete(
            f"{base}/{{key:str}}", operation_id=f"delete_{name}", summary=f"Delete a {name}", **opts
        )(delete_document),
        get(
            f"{base}/{{key:str}}/shares",
            operation_id=f"list_shares_{name}",
            summary=f"Who a {name} is shared with (needs write access)",
            tags=["sharing"],
            responses=ERROR_RESPONSES,
        )(list_shares),
        *(
            lifecycle(action)
            for action in ("submit", "cancel", "amend")
            if meta.options.is_submittable
        ),
    ]
