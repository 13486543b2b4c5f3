"""Who is calling: a chain of authentication strategies run by one middleware.

Order: trusted gateway headers (only when ``[web] trust_gateway_headers`` is on), a bearer JWT, an API
key (``Authorization: token <key>:<secret>`` or ``X-API-Key``), the browser session cookie. The first
strategy whose credentials are present decides: valid credentials give that user, invalid ones a 401 —
never a silent fall back to Guest. No credentials at all means the Guest user, whom the Kernel's
default-deny then applies to.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from framework_m_core import CallerContext, PermissionDenied, Unauthenticated

from ..identity import IdentityService, InvalidToken, context_of
from .problems import SESSION_COOKIE

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Strategy(Protocol):
    name: str

    async def authenticate(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> CallerContext | None:
        """The caller, ``None`` when this strategy's credentials are absent; raises
        ``Unauthenticated`` when they are present but invalid."""
        ...


def identity(connection: ASGIConnection[Any, Any, Any, Any]) -> IdentityService:
    found: IdentityService = connection.app.state.identity
    return found


def _authorization(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[str, str]:
    scheme, _, value = connection.headers.get("authorization", "").strip().partition(" ")
    return scheme.lower(), value.strip()


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


class BearerToken:
    """``Authorization: Bearer <access token>`` from ``/api/v1/auth/login``; verified without a
    database read (the token carries the user and roles for its short life)."""

    name = "bearer"

    async def authenticate(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> CallerContext | None:
        scheme, value = _authorization(connection)
        if scheme != "bearer":
            return None
        try:
            claims = identity(connection).signer.verify(value)
        except InvalidToken as exc:
            raise Unauthenticated(str(exc)) from None
        return CallerContext(
            user=claims.user, roles=claims.roles, attributes={"session": claims.session}
        )


class ApiKeyHeader:
    """``Authorization: token <key>:<secret>`` (as Frappe clients send it) or ``X-API-Key``."""

    name = "api_key"

    async def authenticate(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> CallerContext | None:
        scheme, value = _authorization(connection)
        if scheme != "token":
            value = connection.headers.get("x-api-key", "").strip()
            if not value:
                return None
        user = await identity(connection).api_key_user(value)
        return context_of(user)


class SessionCookie:
    """The browser session set by a cookie-mode login; unsafe methods must echo the session's CSRF
    token in ``X-CSRF-Token`` (a cross-site form cannot read it)."""

    name = "session"

    async def authenticate(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> CallerContext | None:
        token = connection.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        service = identity(connection)
        session, user = await service.resolve_session(token, "cookie")
        if connection.scope.get("method", "GET") not in SAFE_METHODS:
            expected = service.signer.csrf_token(token)
            sent = connection.headers.get(CSRF_HEADER, "").encode("utf-8", "replace")
            if not hmac.compare_digest(sent, expected.encode()):
                raise PermissionDenied(
                    "missing or wrong X-CSRF-Token header for a cookie session",
                    details={"reason": "csrf"},
                )
        return replace(context_of(user), attributes={"session": str(session.id)})


class UnsupportedScheme:
    """Last in the chain: an ``Authorization`` header nobody understood is an error, not a Guest."""

    name = "unsupported"

    async def authenticate(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> CallerContext | None:
        scheme, _ = _authorization(connection)
        if scheme:
            raise Unauthenticated(
                f"unsupported Authorization scheme {scheme!r}; use Bearer or token"
            )
        return None


def default_strategies(*, trust_gateway_headers: bool) -> list[Strategy]:
    chain: list[Strategy] = [GatewayHeaders()] if trust_gateway_headers else []
    return [*chain, BearerToken(), ApiKeyHeader(), SessionCookie(), UnsupportedScheme()]


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
