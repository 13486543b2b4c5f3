"""The share API: grant one user actions on one document, list and withdraw grants.

Sharing, listing shares and withdrawing them all need write access to the document (the Kernel checks).
``SharingController`` serves ``/api/v1/share``; ``DocumentSharesController.for_doctype`` serves the
per-DocType ``GET /api/v1/<DocType>/{key}/shares``.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from litestar import Request, delete, get, post
from litestar.params import Parameter
from pydantic import BaseModel, Field

from framework_m_core.query import MAX_LIMIT, MAX_OFFSET

from .context import caller, kernel
from .payloads import page_json
from .responses import ERROR_RESPONSES
from .routing import API_PREFIX, DeclaredOrderController, DocTypeController

ShareAction = Literal["read", "write", "delete", "submit", "cancel", "amend"]


class ShareBody(BaseModel):
    doctype: str = Field(min_length=1, max_length=140)
    document: str = Field(min_length=1, max_length=140, description="the document's id or name")
    user: str = Field(min_length=1, max_length=254, description="who receives the grant")
    actions: list[ShareAction] = Field(default=["read"], min_length=1)


class SharingController(DeclaredOrderController):
    """``POST /api/v1/share`` grants a share; ``DELETE /api/v1/share/{share_id}`` withdraws it."""

    path = f"{API_PREFIX}/share"
    tags = ["sharing"]

    @post(
        operation_id="share_document",
        status_code=201,
        responses=ERROR_RESPONSES,
        summary="Share a document with a user",
    )
    async def share_document(
        self, request: Request[Any, Any, Any], data: ShareBody
    ) -> dict[str, Any]:
        share = await kernel(request).share(
            caller(request),
            data.doctype,
            data.document,
            data.user.strip(),
            frozenset(data.actions),
        )
        return share.model_dump(mode="json")

    @delete(
        "/{share_id:uuid}",
        operation_id="unshare_document",
        responses=ERROR_RESPONSES,
        summary="Withdraw a share",
    )
    async def unshare_document(self, request: Request[Any, Any, Any], share_id: UUID) -> None:
        await kernel(request).unshare(caller(request), share_id)


class DocumentSharesController(DocTypeController):
    """``GET /api/v1/<DocType>/{key}/shares``: who one document is shared with, a page at a time."""

    tags = ["sharing"]

    @get(
        "/{key:str}/shares",
        operation_id="list_shares_{doctype}",
        summary="Who a {doctype} is shared with (needs write access)",
        responses=ERROR_RESPONSES,
    )
    async def list_shares(
        self,
        request: Request[Any, Any, Any],
        key: str,
        limit: int | None = Parameter(default=None, ge=1, le=MAX_LIMIT, description="page size"),
        offset: int = Parameter(default=0, ge=0, le=MAX_OFFSET),
    ) -> dict[str, Any]:
        page = await kernel(request).shares(
            caller(request), self.meta.name, key, limit=limit, offset=offset
        )
        return page_json(page)
