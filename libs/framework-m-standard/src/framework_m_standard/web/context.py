"""The caller of a request and the Kernel serving it, as the handlers see them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from litestar import Request

from framework_m_core import CallerContext, Kernel
from framework_m_core.composition import Runtime

from .problems import request_id


def caller(request: Request[Any, Any, Any]) -> CallerContext:
    """Who is asking, as set by the authentication middleware (a Guest when nobody signed in)."""
    user = request.scope.get("user")
    ctx = user if isinstance(user, CallerContext) else CallerContext.guest()
    return replace(ctx, request_id=request_id(request), is_system=False)


def runtime(request: Request[Any, Any, Any]) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


def kernel(request: Request[Any, Any, Any]) -> Kernel:
    return runtime(request).kernel
