"""The documents of one DocType over REST: list, create, bulk create, get, replace, update, delete.

Every route goes through the Kernel (no route touches a repository). ``DocumentsController.for_doctype``
makes the controller of one ``api_resource`` DocType when the app is built, so the OpenAPI document
shows each DocType's schema (ADR 0003).
"""

from __future__ import annotations

from typing import Any, Optional, TypeAlias

from litestar import Request, delete, get, patch, post, put
from litestar.params import Parameter
from pydantic import BaseModel, create_model

from framework_m_core import DocTypeMeta, ValidationError
from framework_m_core.errors import FieldError
from framework_m_core.query import MAX_LIMIT, MAX_OFFSET

from .context import caller, kernel
from .dto import JSONBodyDTO
from .payloads import body_object, body_version, document_json, page_json
from .responses import ERROR_RESPONSES
from .routing import DocTypeController, Document

DocumentPatch: TypeAlias = Any
"""Some fields of a document as JSON; OpenAPI shows the DocType's all-optional ``patch_model``."""


def patch_model(meta: DocTypeMeta) -> type[BaseModel]:
    """``<DocType>Patch``: every field of the DocType, each optional. It documents PATCH bodies only;
    the Kernel validates the merged document."""
    fields: dict[str, Any] = {
        name: (Optional[info.annotation], None)  # noqa: UP045 - built at run time
        for name, info in meta.model.model_fields.items()
    }
    return create_model(f"{meta.name}Patch", **fields)


class DocumentsController(DocTypeController):
    """``/api/v1/<DocType>``: the collection, ``/bulk`` and one document by id or name (``/{key}``).

    Bodies arrive as plain JSON (``JSONBodyDTO``) for the Kernel to validate; responses are the
    documents' JSON, documented as the DocType's schema."""

    @classmethod
    def signature_namespace_for(cls, meta: DocTypeMeta) -> dict[str, Any]:
        return {**super().signature_namespace_for(meta), "DocumentPatch": patch_model(meta)}

    @get(operation_id="list_{doctype}", summary="List {doctype}", responses=ERROR_RESPONSES)
    async def list_documents(
        self,
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
            self.meta.name,
            filters=filters,
            fields=fields,
            order_by=order_by,
            limit=limit,
            offset=offset,
            with_total=with_total,
            records=self.meta.serves_records,
        )
        return page_json(page, self.meta)

    @post(
        operation_id="create_{doctype}",
        summary="Create a {doctype}",
        dto=JSONBodyDTO,
        return_dto=None,
        responses=ERROR_RESPONSES,
    )
    async def create_document(self, request: Request[Any, Any, Any], data: Document) -> Document:
        doc = await kernel(request).create(caller(request), self.meta.name, body_object(data))
        return document_json(doc)

    @post(
        "/bulk",
        operation_id="bulk_create_{doctype}",
        summary="Create many {doctype} (all or nothing)",
        dto=JSONBodyDTO,
        return_dto=None,
        responses=ERROR_RESPONSES,
    )
    async def bulk_create(self, request: Request[Any, Any, Any], data: list[Document]) -> Any:
        if not isinstance(data, list):
            raise ValidationError(
                "the request body must be a JSON array", [FieldError(["body"], "expected an array")]
            )
        docs = await kernel(request).insert_many(
            caller(request), self.meta.name, [body_object(item) for item in data]
        )
        return {"items": [document_json(d) for d in docs]}

    @get(
        "/{key:str}",
        operation_id="get_{doctype}",
        summary="Get a {doctype} by id or name",
        responses=ERROR_RESPONSES,
    )
    async def get_document(self, request: Request[Any, Any, Any], key: str) -> Document:
        return document_json(await kernel(request).get(caller(request), self.meta.name, key))

    @put(
        "/{key:str}",
        operation_id="replace_{doctype}",
        summary="Replace a {doctype}",
        dto=JSONBodyDTO,
        return_dto=None,
        responses=ERROR_RESPONSES,
    )
    async def replace_document(
        self, request: Request[Any, Any, Any], key: str, data: Document
    ) -> Document:
        payload = body_object(data)
        doc = await kernel(request).update(
            caller(request),
            self.meta.name,
            key,
            payload,
            version=body_version(payload),
            replace=True,
        )
        return document_json(doc)

    @patch(
        "/{key:str}",
        operation_id="update_{doctype}",
        summary="Update fields of a {doctype}",
        dto=JSONBodyDTO,
        return_dto=None,
        responses=ERROR_RESPONSES,
    )
    async def patch_document(
        self, request: Request[Any, Any, Any], key: str, data: DocumentPatch
    ) -> Document:
        payload = body_object(data)
        doc = await kernel(request).update(
            caller(request), self.meta.name, key, payload, version=body_version(payload)
        )
        return document_json(doc)

    @delete(
        "/{key:str}",
        operation_id="delete_{doctype}",
        summary="Delete a {doctype}",
        responses=ERROR_RESPONSES,
    )
    async def delete_document(
        self,
        request: Request[Any, Any, Any],
        key: str,
        hard: bool = Parameter(default=False, description="remove for good instead of hiding"),
        version: int | None = Parameter(default=None, description="the version you read"),
    ) -> None:
        await kernel(request).delete(
            caller(request), self.meta.name, key, hard=hard, version=version
        )
