"""Who is calling: a chain of authentication strategies run by one middleware.

No credentials means the Guest user (the Kernel's default-deny then applies). Trusted gateway headers
are honoured only when ``[web] trust_gateway_headers = true``; otherwise they are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from framework_m_core import CallerContext


class Strategy(Protocol):
    name: str

    async def authenticate(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> CallerContext | None:
        """The caller, ``None`` when this strategy's credentials are absent; raises
        ``NotAuthorizedException`` when they are present but invalid."""
        ...


class GatewayHeaders:
    """Identity asserted by a trusted reverse proxy: ``X-User-Id``, ``X-Roles``, ``X-Tenant-Id``."""

    name = "gateway"

    async def authenticate(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> CallerContext | None:
        user = connection.headers.get("x-user-id", "").strip()
        if not user:
            return None
        roles = frozenset(
            r.strip() for r in connection.headers.get("x-roles", "").split(",") if r.strip()
        )
        tenant = connection.headers.get("x-tenant-id", "").strip() or None
        return CallerContext(user=user, roles=roles, tenant=tenant)


class AuthChainMiddleware(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, strategies: Sequence[Strategy] = (), **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.strategies = list(strategies)

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        for strategy in self.strategies:
            found = await strategy.authenticate(connection)
            if found is not None:
                return AuthenticationResult(user=found, auth=strategy.name)
        return AuthenticationResult(user=CallerContext.guest(), auth="guest")
