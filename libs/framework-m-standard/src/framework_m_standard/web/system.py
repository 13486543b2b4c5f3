"""Liveness and readiness probes: unauthenticated, outside the API's versioned paths."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from framework_m_core import DocShare, SystemContext
from framework_m_core.errors import FrameworkError

from .context import kernel, runtime
from .problems import problem
from .responses import ERROR_RESPONSES
from .routing import DeclaredOrderController


class SystemController(DeclaredOrderController):
    """``GET /health`` and ``GET /ready`` for load balancers and orchestrators; no credentials needed."""

    tags = ["system"]

    @get(
        "/health",
        summary="Liveness: the process answers",
        exclude_from_auth=True,
        operation_id="health",
    )
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}

    @get(
        "/ready",
        summary="Readiness: storage reachable and its schema in place",
        exclude_from_auth=True,
        operation_id="ready",
        responses={503: ERROR_RESPONSES[500]},
    )
    async def ready(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        """200 with the loaded apps once storage answers a query; otherwise 503 ``not_ready``."""
        try:
            await kernel(request).count(SystemContext("readiness probe"), DocShare)
        except FrameworkError as exc:
            return problem(
                request, 503, code="not_ready", detail=f"storage is not ready: {exc.message}"
            )
        return Response(
            {"status": "ready", "apps": [a.app.name for a in runtime(request).registry.apps]}
        )
