"""The share API: grant one user actions on one document, list and withdraw grants.

Sharing, listing shares and withdrawing them all need write access to the document (the Kernel checks).
The per-DocType ``GET /api/v1/{DocType}/{id}/shares`` route lives with the other document routes.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from litestar import Request, delete, post
from litestar.handlers import HTTPRouteHandler
from pydantic import BaseModel, Field

from .context import caller, kernel
from .responses import ERROR_RESPONSES

ShareAction = Literal["read", "write", "delete", "submit", "cancel", "amend"]


class ShareBody(BaseModel):
    doctype: str = Field(min_length=1, max_length=140)
    document: str = Field(min_length=1, max_length=140, description="the document's id or name")
    user: str = Field(min_length=1, max_length=254, description="who receives the grant")
    actions: list[ShareAction] = Field(default=["read"], min_length=1)


@post(
    "/api/v1/share",
    tags=["sharing"],
    operation_id="share_document",
    status_code=201,
    responses=ERROR_RESPONSES,
    summary="Share a document with a user",
)
async def share_document(request: Request[Any, Any, Any], data: ShareBody) -> dict[str, Any]:
    share = await kernel(request).share(
        caller(request), data.doctype, data.document, data.user.strip(), frozenset(data.actions)
    )
    return share.model_dump(mode="json")


@delete(
    "/api/v1/share/{share_id:uuid}",
    tags=["sharing"],
    operation_id="unshare_document",
    responses=ERROR_RESPONSES,
    summary="Withdraw a share",
)
async def unshare_document(request: Request[Any, Any, Any], share_id: UUID) -> None:
    await kernel(request).unshare(caller(request), share_id)


SHARE_ROUTES: list[HTTPRouteHandler] = [share_document, unshare_document]
