"""Identity operations over the Kernel: users, passwords, sessions and API keys.

Everything is stored through the Kernel (and so the configured Repository) under a SystemContext; the
callers (HTTP routes, the CLI) check who may ask before they call in.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from framework_m_core import (
    CallerContext,
    Kernel,
    NotFound,
    Unauthenticated,
    ValidationError,
    VersionConflict,
)
from framework_m_core.context import ADMIN_ROLE
from framework_m_core.errors import FieldError

from .config import AuthConfig
from .doctypes import ApiKey, AuthSession, User, UserPassword
from .passwords import check_policy, hash_password, needs_rehash, verify_password
from .queries import SYSTEM, ids_where
from .tokens import TokenSigner, digest, new_key_id, new_secret

BAD_LOGIN = "invalid email or password"
NO_SUCH_USER = "\u0000 no user"  # not a valid email, so never a user's name


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
            "refresh_expires_in": self.refresh_expires_in,
        }


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: ApiKey
    secret: str

    @property
    def token(self) -> str:
        """The value for ``Authorization: token <key>:<secret>`` or ``X-API-Key``."""
        return f"{self.key.key}:{self.secret}"


def context_of(user: User) -> CallerContext:
    return CallerContext(user=user.user_id, roles=user.role_names())


def _now() -> datetime:
    return datetime.now(UTC)


class IdentityService:
    def __init__(self, kernel: Kernel, config: AuthConfig, signer: TokenSigner) -> None:
        self.kernel, self.config, self.signer = kernel, config, signer

    # users -----------------------------------------------------------------------------------

    async def find_user(self, email: str) -> User | None:
        try:
            user: User = await self.kernel.get(SYSTEM, User, email.strip().lower())
        except NotFound:
            return None
        return user

    async def user(self, email: str) -> User:
        found = await self.find_user(email)
        if found is None:
            raise NotFound(f"no user {email!r}", details={"user": email})
        return found

    async def add_user(
        self,
        email: str,
        *,
        full_name: str = "",
        password: str | None = None,
        roles: Iterable[str] = (),
    ) -> User:
        """Create a user (and their password) in one transaction: a bad password leaves no user."""
        if password is not None:
            check_policy(password, min_length=self.config.min_password_length)
        wanted = sorted(set(roles))
        async with self.kernel.transaction():
            user: User = await self.kernel.create(
                SYSTEM,
                User,
                {"email": email, "full_name": full_name, "roles": [{"role": r} for r in wanted]},
            )
            if password is not None:
                await self._store_password(user, password)
        return user

    async def set_password(self, email: str, password: str, *, keep: str | None = None) -> None:
        """Set the password and end every session and refresh token of the user except ``keep``
        (the one changing it): whoever held the old password loses what they obtained with it."""
        check_policy(password, min_length=self.config.min_password_length)
        user = await self.user(email)
        async with self.kernel.transaction():
            await self._store_password(user, password)
            await self.revoke_sessions(user, keep=keep)

    async def _store_password(self, user: User, password: str) -> None:
        key = user.user_id
        hashed = await asyncio.to_thread(hash_password, password)
        async with self.kernel.transaction():
            try:
                await self.kernel.get(SYSTEM, UserPassword, key)
            except NotFound:
                await self.kernel.create(
                    SYSTEM, UserPassword, {"user": key, "password_hash": hashed}
                )
                return
            await self.kernel.update(SYSTEM, UserPassword, key, {"password_hash": hashed})

    async def add_roles(self, email: str, roles: Iterable[str]) -> User:
        user = await self.user(email)
        wanted = sorted(set(roles) - user.role_names())
        if not wanted:
            return user
        async with self.kernel.transaction():
            current = [{"role": r.role} for r in user.roles]
            updated: User = await self.kernel.update(
                SYSTEM, User, user.id, {"roles": current + [{"role": r} for r in wanted]}
            )
        return updated

    async def remove_roles(self, email: str, roles: Iterable[str]) -> User:
        user = await self.user(email)
        drop = set(roles)
        kept = [{"role": r.role} for r in user.roles if r.role not in drop]
        updated: User = await self.kernel.update(SYSTEM, User, user.id, {"roles": kept})
        return updated

    async def set_enabled(self, email: str, enabled: bool) -> User:
        """Disabling ends the user's sessions (the User controller does it, whoever disables) and
        stops their API keys, which are checked against ``enabled`` on every use."""
        user = await self.user(email)
        updated: User = await self.kernel.update(SYSTEM, User, user.id, {"enabled": enabled})
        return updated

    # passwords and tokens --------------------------------------------------------------------

    async def check_password(self, email: str, password: str) -> User:
        """The enabled user with this password, else Unauthenticated (same message either way)."""
        user = await self.find_user(email) if isinstance(email, str) else None
        stored: UserPassword | None = None
        # The password lookup runs for unknown emails too (for a name no user can have), so the
        # number of queries does not tell which emails have accounts.
        try:
            stored = await self.kernel.get(
                SYSTEM, UserPassword, user.user_id if user else NO_SUCH_USER
            )
        except NotFound:
            stored = None
        # argon2 takes tens of milliseconds of CPU: off the event loop, so other requests go on.
        ok = await asyncio.to_thread(
            verify_password, stored.password_hash if stored else None, password
        )
        if not ok or user is None or stored is None or not user.enabled:
            raise Unauthenticated(BAD_LOGIN)
        if needs_rehash(stored.password_hash):
            await self._store_password(user, password)
        return user

    async def issue_tokens(
        self, user: User, *, address: str | None = None, user_agent: str | None = None
    ) -> TokenPair:
        session, token = await self._open_session(
            user, "refresh", self.config.refresh_token_ttl, address, user_agent
        )
        access, ttl = self.signer.issue(session.user, user.role_names(), str(session.id))
        return TokenPair(access, ttl, token, self.config.refresh_token_ttl)

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Rotate: the old refresh token stops working and a new pair is issued."""
        session, user = await self.resolve_session(refresh_token, "refresh")
        async with self.kernel.transaction():
            try:  # two refreshes racing with one token: only the first rotates it
                await self.kernel.update(
                    SYSTEM, AuthSession, session.id, {"revoked": True}, version=session.version
                )
            except VersionConflict:
                raise Unauthenticated("the refresh token is not valid") from None
            return await self.issue_tokens(
                user, address=session.address, user_agent=session.user_agent
            )

    async def open_cookie_session(
        self, user: User, *, address: str | None = None, user_agent: str | None = None
    ) -> tuple[str, str]:
        """A browser session: the cookie value and its CSRF token."""
        _, token = await self._open_session(
            user, "cookie", self.config.session_ttl, address, user_agent
        )
        return token, self.signer.csrf_token(token)

    async def _open_session(
        self,
        user: User,
        kind: Literal["refresh", "cookie"],
        ttl: int,
        address: str | None,
        user_agent: str | None,
    ) -> tuple[AuthSession, str]:
        token = new_secret()
        session: AuthSession = await self.kernel.create(
            SYSTEM,
            AuthSession,
            {
                "user": user.user_id,
                "kind": kind,
                "token_digest": digest(token),
                "expires_at": _now() + timedelta(seconds=ttl),
                "address": address,
                "user_agent": (user_agent or "")[:512] or None,
            },
        )
        return session, token

    async def resolve_session(
        self, token: str, kind: Literal["refresh", "cookie"]
    ) -> tuple[AuthSession, User]:
        """The live session behind ``token`` and its enabled user, else Unauthenticated."""
        invalid = Unauthenticated(
            "the refresh token is not valid" if kind == "refresh" else "the session has ended"
        )
        if not isinstance(token, str) or not 16 <= len(token) <= 256:
            raise invalid
        try:
            session: AuthSession = await self.kernel.get(SYSTEM, AuthSession, digest(token))
        except NotFound:
            raise invalid from None
        if session.kind != kind or session.revoked or session.expires_at <= _now():
            raise invalid
        user = await self.find_user(session.user)
        if user is None or not user.enabled:
            raise invalid
        return session, user

    async def revoke_session(self, session_id: str) -> None:
        try:
            await self.kernel.update(SYSTEM, AuthSession, session_id, {"revoked": True})
        except NotFound:
            return

    async def revoke_sessions(self, user: User, *, keep: str | None = None) -> int:
        return await revoke_sessions(self.kernel, user.user_id, keep=keep)

    # API keys --------------------------------------------------------------------------------

    async def create_api_key(
        self, email: str, *, label: str = "", expires_in_days: int | None = None
    ) -> IssuedKey:
        user = await self.user(email)
        if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
            raise ValidationError(
                "expires_in_days must be between 1 and 3650",
                [FieldError(["body", "expires_in_days"], "between 1 and 3650")],
            )
        secret = new_secret()
        key: ApiKey = await self.kernel.create(
            SYSTEM,
            ApiKey,
            {
                "key": new_key_id(),
                "user": user.user_id,
                "label": label,
                "secret_digest": digest(secret),
                "expires_at": (
                    _now() + timedelta(days=expires_in_days) if expires_in_days else None
                ),
            },
        )
        return IssuedKey(key, secret)

    async def api_key_user(self, token: str) -> User:
        """The enabled user of a live ``key:secret``, else Unauthenticated."""
        invalid = Unauthenticated("the API key is not valid")
        key, sep, secret = token.strip().partition(":")
        if not sep or not 8 <= len(key) <= 64 or not 16 <= len(secret) <= 256:
            raise invalid
        try:
            found: ApiKey = await self.kernel.get(SYSTEM, ApiKey, key)
        except NotFound:
            raise invalid from None
        if not hmac.compare_digest(found.secret_digest, digest(secret)):
            raise invalid
        if found.revoked_at is not None or (found.expires_at and found.expires_at <= _now()):
            raise invalid
        user = await self.find_user(found.user)
        if user is None or not user.enabled:
            raise invalid
        return user

    async def list_api_keys(self, email: str | None) -> list[ApiKey]:
        filters = [["user", "=", email.strip().lower()]] if email else []
        page = await self.kernel.list(
            SYSTEM, ApiKey, filters=filters, order_by="creation desc", limit=1000
        )
        return list(page.items)

    async def revoke_api_key(self, key: str, *, by: CallerContext | None = None) -> ApiKey:
        """Revoke; ``by`` (when given) must own the key or be an Administrator."""
        try:
            found: ApiKey = await self.kernel.get(SYSTEM, ApiKey, key)
        except NotFound:
            raise NotFound(f"no API key {key!r}", details={"key": key}) from None
        if by is not None and found.user != by.user and ADMIN_ROLE not in by.roles:
            raise NotFound(f"no API key {key!r}", details={"key": key})
        if found.revoked_at is not None:
            return found
        revoked: ApiKey = await self.kernel.update(SYSTEM, ApiKey, key, {"revoked_at": _now()})
        return revoked


async def revoke_sessions(kernel: Kernel, user: str, *, keep: str | None = None) -> int:
    """End every live session and refresh token of ``user`` (but ``keep``), however many."""
    live = await ids_where(kernel, AuthSession, [["user", "=", user], ["revoked", "=", False]])
    ids = [session_id for session_id in live if str(session_id) != keep]
    for session_id in ids:
        await kernel.update(SYSTEM, AuthSession, session_id, {"revoked": True})
    return len(ids)


def api_key_json(key: ApiKey) -> dict[str, Any]:
    """An API key as shown to people: never its digest."""
    return key.model_dump(
        mode="json", include={"key", "user", "label", "expires_at", "revoked_at", "creation"}
    )
