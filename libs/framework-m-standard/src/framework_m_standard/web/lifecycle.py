"""The lifecycle of a submittable DocType's documents: submit, cancel, amend.

``LifecycleController.for_doctype`` serves them under ``/api/v1/<DocType>/{key}/`` for DocTypes whose
``Meta.is_submittable`` is true; the Kernel decides which transition is allowed from which docstatus.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from litestar import Request, Response, post
from litestar.exceptions import ClientException

from .context import caller, kernel
from .payloads import body_version, document_json
from .responses import ERROR_RESPONSES
from .routing import DocTypeController, Document


async def _optional_body(request: Request[Any, Any, Any]) -> Any:
    """The JSON body, ``{}`` when there is none; bad JSON is a 400 like any other route's."""
    raw = await request.body()
    try:
        return json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        raise ClientException(f"the request body is not valid JSON: {exc}") from None


class LifecycleController(DocTypeController):
    """``POST /{key}/submit``, ``/cancel`` and ``/amend``. Submit and cancel take an optional body
    ``{"version": n}`` (409 when stale); amend answers 201 with the new draft."""

    @post(
        "/{key:str}/submit",
        operation_id="submit_{doctype}",
        status_code=200,
        summary="Submit a {doctype}",
        responses=ERROR_RESPONSES,
    )
    async def submit(self, request: Request[Any, Any, Any], key: str) -> Document:
        return await self._move(request, key, "submit")

    @post(
        "/{key:str}/cancel",
        operation_id="cancel_{doctype}",
        status_code=200,
        summary="Cancel a {doctype}",
        responses=ERROR_RESPONSES,
    )
    async def cancel(self, request: Request[Any, Any, Any], key: str) -> Document:
        return await self._move(request, key, "cancel")

    @post(
        "/{key:str}/amend",
        operation_id="amend_{doctype}",
        status_code=200,
        summary="Amend a {doctype}",
        responses=ERROR_RESPONSES,
    )
    async def amend(self, request: Request[Any, Any, Any], key: str) -> Document:
        await _optional_body(request)  # a malformed body is refused even though amend reads none
        doc = await kernel(request).amend(caller(request), self.meta.name, key)
        return Response(document_json(doc), status_code=201)

    async def _move(
        self, request: Request[Any, Any, Any], key: str, action: Literal["submit", "cancel"]
    ) -> Any:
        """Submit or cancel: the optional ``{"version": n}`` body (checked before the Kernel is
        asked), then the Kernel's transition."""
        version = body_version(await _optional_body(request))
        found = kernel(request)
        move = found.submit if action == "submit" else found.cancel
        doc = await move(caller(request), self.meta.name, key, version=version)
        return document_json(doc)
