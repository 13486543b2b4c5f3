"""Short-lived access tokens (HS256 JWTs) and the opaque random tokens behind sessions and keys.

Only HS256 with our own key is accepted: ``alg: none``, other algorithms, other keys, other issuers or
audiences, expired tokens and tokens without the claims we rely on are all refused alike.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "sid")
LEEWAY_SECONDS = 5


class InvalidToken(Exception):
    """A credential that is present but not acceptable; the message is safe to show."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user: str
    roles: frozenset[str]
    session: str
    expires_at: int


VERIFIED_CACHE_SIZE = 10_000
EXPIRED = "the access token has expired; refresh it or sign in again"


class TokenSigner:
    def __init__(self, key: str, *, issuer: str, audience: str, ttl: int) -> None:
        self._key, self.issuer, self.audience, self.ttl = key, issuer, audience, ttl
        # A client sends the same token with every request until it expires; its claims cannot
        # change, so one verification per token (not per request) is enough. Expiry is still
        # checked on every use.
        self._verified: dict[str, AccessClaims] = {}

    def issue(self, user: str, roles: frozenset[str], session: str) -> tuple[str, int]:
        """A signed access token and its lifetime in seconds."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": user,
            "sid": session,
            "roles": sorted(roles),
            "iat": now,
            "exp": now + self.ttl,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM), self.ttl

    def verify(self, token: str) -> AccessClaims:
        known = self._verified.get(token)
        if known is not None:
            if time.time() < known.expires_at + LEEWAY_SECONDS:
                return known
            del self._verified[token]
            raise InvalidToken(EXPIRED)
        claims = self._decode(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # the oldest entry
        self._verified[token] = claims
        return claims

    def _decode(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                audience=self.audience,
                leeway=LEEWAY_SECONDS,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken(
                "the access token has expired; refresh it or sign in again"
            ) from None
        except jwt.PyJWTError:
            raise InvalidToken("the access token is not valid") from None
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidToken("the access token is not valid")
        return AccessClaims(
            user=str(claims["sub"]),
            roles=frozenset(roles),
            session=str(claims["sid"]),
            expires_at=int(claims["exp"]),
        )

    def csrf_token(self, session_token: str) -> str:
        """The CSRF value bound to one browser session: only a page that could read our cookie
        (same origin) can echo it back in ``X-CSRF-Token``."""
        mac = hmac.new(self._key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256)
        return mac.hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_key_id() -> str:
    """An API key's public id: hex, so a key (``id:secret``) never starts with ``-``, which a command
    line such as ``m apikey revoke`` would read as an option."""
    return secrets.token_hex(10)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
