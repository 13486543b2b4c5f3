"""Authentication settings: ``[auth]`` in framework_config.toml (``FRAMEWORK_M_AUTH__<KEY>`` in the
environment).

Without a configured ``secret_key`` a random one is created once in ``.framework_m/secret_key`` beside
the configuration file (mode 0600), so a development project works out of the box and every worker
of one project signs with the same key; ``m doctor`` warns about it for production.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from framework_m_core.composition import Settings
from framework_m_core.errors import ConfigurationError

from .tokens import TokenSigner

SECRET_FILE = Path(".framework_m") / "secret_key"
MIN_SECRET_LENGTH = 32


class AuthConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    secret_key: str | None = Field(
        default=None,
        min_length=MIN_SECRET_LENGTH,
        description="signs tokens and CSRF values; at least 32 characters",
    )
    issuer: str = "framework-m"
    audience: str = "framework-m"
    access_token_ttl: int = Field(default=900, ge=30, le=86_400, description="seconds")
    refresh_token_ttl: int = Field(default=14 * 86_400, ge=300, description="seconds")
    session_ttl: int = Field(default=8 * 3600, ge=300, description="browser session, seconds")
    cookie_secure: bool = Field(default=False, description="set true whenever served over HTTPS")
    cookie_samesite: Literal["lax", "strict"] = "lax"
    login_attempts_per_account: int = Field(default=5, ge=1)
    login_attempts_per_address: int = Field(default=20, ge=1)
    login_window: int = Field(default=300, ge=1, description="seconds the attempt limits cover")
    min_password_length: int = Field(default=8, ge=1, le=128)


def auth_config(settings: Settings) -> AuthConfig:
    return settings.parse_section("auth", AuthConfig)


def project_directory(settings: Settings) -> Path:
    return settings.path.parent if settings.path is not None else Path.cwd()


def signing_key(settings: Settings, config: AuthConfig) -> str:
    """The configured secret, else the project's generated one (created on first use)."""
    if config.secret_key is not None:
        return config.secret_key
    path = project_directory(settings) / SECRET_FILE
    if not path.exists():
        _create_secret(path)
    value = path.read_text().strip()
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigurationError(f"{path}: the generated secret key is too short; delete the file")
    return value


def _create_secret(path: Path) -> None:
    """Write a complete file under a temporary name, then link it into place: concurrent workers
    starting together all end up reading the one key that won."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def token_signer(settings: Settings, config: AuthConfig) -> TokenSigner:
    """The project's access-token signer (the server, the CLI and scripts must agree on it)."""
    return TokenSigner(
        signing_key(settings, config),
        issuer=config.issuer,
        audience=config.audience,
        ttl=config.access_token_ttl,
    )
