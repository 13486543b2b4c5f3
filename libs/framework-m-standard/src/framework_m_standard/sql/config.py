"""Database configuration: ``[database]`` in framework_config.toml or ``FRAMEWORK_M_DATABASE_URL``.

```toml
[database]
url = "postgresql+asyncpg://app@127.0.0.1/app"   # default: SQLite file framework_m.sqlite3
pool_size = 10
max_overflow = 20
pool_timeout = 30
pool_pre_ping = false  # test each connection before use (one round trip more per transaction)
pool_recycle = 1800    # seconds before a pooled connection is replaced
echo = false
migrations = "migrations"                        # Alembic revisions of the default database

[database.binds]                                 # optional extra databases…
archive = "postgresql+asyncpg://app@127.0.0.1/archive"

[database.doctypes]                              # …and the DocTypes that live in them
AuditEntry = "archive"
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from framework_m_core.composition import Settings
from framework_m_core.errors import ConfigurationError

DEFAULT_SQLITE_FILE = "framework_m.sqlite3"
SUPPORTED = ("sqlite+aiosqlite", "postgresql+asyncpg")


def normalise_url(url: str) -> str:
    """Accept ``sqlite:///``/``postgresql://`` shorthands and reject drivers we do not support."""
    if url.startswith("sqlite://"):
        url = "sqlite+aiosqlite://" + url.removeprefix("sqlite://")
    elif url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    scheme = url.split("://", 1)[0]
    if scheme not in SUPPORTED:
        raise ValueError(
            f"unsupported database URL scheme {scheme!r}; use one of {', '.join(SUPPORTED)}"
        )
    return url


DatabaseUrl = Annotated[str, AfterValidator(normalise_url)]
"""A URL with a supported driver (shorthands expanded), checked when the configuration is read."""


class DatabaseConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: DatabaseUrl
    pool_size: int = Field(default=10, ge=1)
    max_overflow: int = Field(default=20, ge=0)
    pool_timeout: float = Field(default=30, gt=0)
    pool_pre_ping: bool = False
    pool_recycle: int = Field(default=1800, ge=-1)
    echo: bool = False
    binds: dict[str, DatabaseUrl] = Field(default_factory=dict)
    doctypes: dict[str, str] = Field(default_factory=dict)
    migrations: str = Field(default="migrations", min_length=1)

    def bind_url(self, bind: str) -> str:
        return self.url if bind == "default" else self.binds[bind]


def database_config(settings: Settings, base_dir: Path | None = None) -> DatabaseConfig:
    """Read the database settings; a bad value is a ConfigurationError naming where it was set."""
    section: dict[str, Any] = settings.section("database")
    env_url = (settings.model_extra or {}).get("database_url")
    if env_url:
        section["url"] = env_url
    if not section.get("url"):
        folder = base_dir or (settings.path.parent if settings.path else Path.cwd())
        section["url"] = f"sqlite+aiosqlite:///{folder / DEFAULT_SQLITE_FILE}"
    try:
        config = DatabaseConfig.model_validate(section)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        where = (
            "FRAMEWORK_M_DATABASE_URL"
            if key == "url" and env_url
            else settings.origin(f"database.{key}")
        )
        raise ConfigurationError(f"{where}: invalid database.{key}: {first['msg']}") from None
    unknown = sorted(set(config.doctypes.values()) - set(config.binds) - {"default"})
    if unknown:
        raise ConfigurationError(
            f"[database.doctypes] names unknown binds {unknown}; "
            f"declare them under [database.binds]"
        )
    return config


def redact(url: str) -> str:
    """The URL without its password, for messages and ``m info``."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else f"{scheme}://{user}@{host}"
