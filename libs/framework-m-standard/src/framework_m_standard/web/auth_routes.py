"""Sign-in, tokens, the current user, password change and API keys under ``/api/v1/auth``."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Request, Response, delete, get, post
from litestar.datastructures import Cookie
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter
from pydantic import BaseModel, Field

from framework_m_core import CallerContext, PermissionDenied, Unauthenticated
from framework_m_core.context import ADMIN_ROLE

from ..identity import IdentityService, User, api_key_json
from .auth import identity
from .context import caller
from .problems import CSRF_COOKIE, SESSION_COOKIE
from .ratelimit import LoginLimiter
from .responses import ERROR_RESPONSES, LOGIN_RESPONSES

TAGS = ["auth"]


class LoginBody(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    mode: Literal["token", "cookie"] = Field(
        default="token",
        description="token: a bearer access token and a refresh token; cookie: a browser session",
    )


class RefreshBody(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=256)


class LogoutBody(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=256)


class PasswordBody(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class ApiKeyBody(BaseModel):
    label: str = Field(default="", max_length=140)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    user: str | None = Field(default=None, description="another user's email (Administrators)")


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _signed_in(request: Request[Any, Any, Any]) -> CallerContext:
    ctx = caller(request)
    if ctx.is_guest:
        raise Unauthenticated("sign in first")
    return ctx


def _me(user: User, auth: str) -> dict[str, Any]:
    return {
        "user": user.user_id,
        "email": user.email,
        "full_name": user.full_name,
        "roles": sorted(user.role_names()),
        "auth": auth,
    }


def _cookies(request: Request[Any, Any, Any], token: str, csrf: str) -> list[Cookie]:
    config = request.app.state.auth_config
    common: dict[str, Any] = {
        "path": "/",
        "max_age": config.session_ttl,
        "secure": config.cookie_secure,
        "samesite": config.cookie_samesite,
    }
    return [
        Cookie(key=SESSION_COOKIE, value=token, httponly=True, **common),
        Cookie(key=CSRF_COOKIE, value=csrf, httponly=False, **common),
    ]


@post(
    "/api/v1/auth/login",
    tags=TAGS,
    operation_id="login",
    status_code=200,
    exclude_from_auth=True,
    responses=LOGIN_RESPONSES,
    security=[{}],
    summary="Sign in with email and password",
    description="Failed attempts are limited per account and per client address (429 with "
    "Retry-After).",
)
async def login(request: Request[Any, Any, Any], data: LoginBody) -> Response[dict[str, Any]]:
    limiter: LoginLimiter = request.app.state.login_limiter
    address = _address(request)
    limiter.check(data.email, address)  # counts this attempt until it succeeds
    service = identity(request)
    user = await service.check_password(data.email, data.password)
    limiter.succeeded(data.email, address)
    agent = request.headers.get("user-agent")
    if data.mode == "cookie":
        token, csrf = await service.open_cookie_session(user, address=address, user_agent=agent)
        return Response(
            {**_me(user, "session"), "csrf_token": csrf}, cookies=_cookies(request, token, csrf)
        )
    pair = await service.issue_tokens(user, address=address, user_agent=agent)
    return Response({**pair.to_json(), "user": _me(user, "bearer")})


@post(
    "/api/v1/auth/refresh",
    tags=TAGS,
    operation_id="refresh",
    status_code=200,
    exclude_from_auth=True,
    responses=ERROR_RESPONSES,
    security=[{}],
    summary="Exchange a refresh token for new tokens (the old refresh token stops working)",
)
async def refresh(request: Request[Any, Any, Any], data: RefreshBody) -> dict[str, Any]:
    return (await identity(request).refresh(data.refresh_token)).to_json()


@post(
    "/api/v1/auth/logout",
    tags=TAGS,
    operation_id="logout",
    status_code=204,
    responses=ERROR_RESPONSES,
    response_cookies=[
        Cookie(key=name, value="", max_age=0, path="/", description="cleared")
        for name in (SESSION_COOKIE, CSRF_COOKIE)
    ],
    summary="End the current session (and the given refresh token)",
    description="Access tokens are not stored: one already issued stays valid until it expires "
    "(access_token_ttl, 15 minutes by default).",
)
async def logout(request: Request[Any, Any, Any], data: LogoutBody | None = None) -> None:
    service = identity(request)
    ctx = caller(request)
    session = ctx.attributes.get("session")
    if isinstance(session, str):
        await service.revoke_session(session)
    if data is not None and data.refresh_token:
        try:
            found, _ = await service.resolve_session(data.refresh_token, "refresh")
        except Unauthenticated:
            found = None
        if found is not None and (ctx.is_guest or found.user == ctx.user):
            await service.revoke_session(str(found.id))


@get(
    "/api/v1/auth/me",
    tags=TAGS,
    operation_id="me",
    responses=ERROR_RESPONSES,
    summary="The signed-in user and their roles",
)
async def me(request: Request[Any, Any, Any]) -> dict[str, Any]:
    ctx = _signed_in(request)
    service = identity(request)
    user = await service.find_user(ctx.user)
    if user is None:  # gateway-asserted identities need not exist locally
        return {
            "user": ctx.user,
            "email": None,
            "full_name": "",
            "roles": sorted(ctx.roles),
            "auth": request.auth,
        }
    return _me(user, str(request.auth))


@post(
    "/api/v1/auth/password",
    tags=TAGS,
    operation_id="change_password",
    status_code=204,
    responses=LOGIN_RESPONSES,
    summary="Change your own password",
    description="Ends your other sessions and refresh tokens; limited like sign-in.",
)
async def change_password(request: Request[Any, Any, Any], data: PasswordBody) -> None:
    ctx = _signed_in(request)
    limiter: LoginLimiter = request.app.state.login_limiter
    limiter.check(ctx.user, _address(request))
    service = identity(request)
    user = await service.check_password(ctx.user, data.current_password)
    limiter.succeeded(ctx.user, _address(request))
    session = ctx.attributes.get("session")
    await service.set_password(
        user.user_id,
        data.new_password,
        keep=session if isinstance(session, str) else None,
    )


def _key_owner(ctx: CallerContext, wanted: str | None) -> str:
    if wanted is None or wanted.strip().lower() == ctx.user:
        return ctx.user
    if ADMIN_ROLE not in ctx.roles:
        raise PermissionDenied("only an Administrator manages other users' API keys")
    return wanted


@post(
    "/api/v1/auth/api-keys",
    tags=TAGS,
    operation_id="create_api_key",
    status_code=201,
    responses=ERROR_RESPONSES,
    summary="Create an API key; its secret is shown in this response only",
    description="Needs a password sign-in (bearer token or session): an API key cannot mint keys.",
)
async def create_api_key(request: Request[Any, Any, Any], data: ApiKeyBody) -> dict[str, Any]:
    ctx = _signed_in(request)
    if request.auth == "api_key":
        raise PermissionDenied("sign in with a password to create API keys, not with an API key")
    service: IdentityService = identity(request)
    issued = await service.create_api_key(
        _key_owner(ctx, data.user), label=data.label, expires_in_days=data.expires_in_days
    )
    return {**api_key_json(issued.key), "secret": issued.secret, "token": issued.token}


@get(
    "/api/v1/auth/api-keys",
    tags=TAGS,
    operation_id="list_api_keys",
    responses=ERROR_RESPONSES,
    summary="Your API keys (Administrators: any user's, or everyone's with user=*)",
)
async def list_api_keys(
    request: Request[Any, Any, Any],
    user: str | None = Parameter(
        default=None, description="whose keys; * for all (Administrators)"
    ),
) -> dict[str, Any]:
    ctx = _signed_in(request)
    owner = None if user == "*" and ADMIN_ROLE in ctx.roles else _key_owner(ctx, user)
    keys = await identity(request).list_api_keys(owner)
    return {"items": [api_key_json(k) for k in keys]}


@delete(
    "/api/v1/auth/api-keys/{key:str}",
    tags=TAGS,
    operation_id="revoke_api_key",
    responses=ERROR_RESPONSES,
    summary="Revoke an API key (yours, or anyone's for Administrators)",
)
async def revoke_api_key(request: Request[Any, Any, Any], key: str) -> None:
    ctx = _signed_in(request)
    await identity(request).revoke_api_key(key, by=ctx)


AUTH_ROUTES: list[HTTPRouteHandler] = [
    login,
    refresh,
    logout,
    me,
    change_password,
    create_api_key,
    list_api_keys,
    revoke_api_key,
]
