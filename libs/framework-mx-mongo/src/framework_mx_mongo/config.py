"""MongoDB configuration: ``[mongo]`` in framework_config.toml or ``FRAMEWORK_M_MONGO_URL``.

```toml
[mongo]
url = "mongodb://127.0.0.1:27017/?replicaSet=rs0"   # required; the environment variable wins
database = "crm"            # default: the database named in the URL's path, else "framework_m"
validators = true           # a $jsonSchema validator per collection, derived from the DocType
timeout_ms = 10000          # server selection and connection timeout
single_writer = false       # see below (default: decided at start-up)
```

``single_writer`` makes this process run its write transactions one at a time and count naming series
inside them. That is what servers need whose transactions conflict on the whole database rather than
per document, such as mongoeco, the MongoDB-compatible server the tests use. Left unset, it is
switched on only for a server that runs transactions while reporting a standalone topology — which
MongoDB itself never does — and stays off for replica sets and sharded clusters.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pymongo.uri_parser import parse_uri

from framework_m_core.composition import Settings
from framework_m_core.errors import ConfigurationError

ENV_URL = "FRAMEWORK_M_MONGO_URL"
DEFAULT_DATABASE = "framework_m"


class MongoConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(min_length=1)
    database: str = Field(default="", pattern=r"^[^/\\. \"$]*$", max_length=63)
    validators: bool = True
    timeout_ms: int = Field(default=10_000, ge=100)
    single_writer: bool | None = None

    @field_validator("url")
    @classmethod
    def _parse(cls, url: str) -> str:
        # An SRV URL is checked in its plain form: resolving it needs DNS, which start-up does anyway.
        plain = (
            "mongodb://" + url.removeprefix("mongodb+srv://")
            if url.startswith("mongodb+srv://")
            else url
        )
        try:
            parse_uri(plain, warn=True)
        except Exception as exc:  # pymongo raises InvalidURI, ConfigurationError or ValueError
            raise ValueError(f"not a MongoDB connection string: {exc}") from None
        return url

    @property
    def database_name(self) -> str:
        return self.database or database_in(self.url) or DEFAULT_DATABASE


def database_in(url: str) -> str:
    """The database named in a MongoDB URL's path ("" for none), read without resolving anything."""
    rest = url.split("://", 1)[-1].rsplit("@", 1)[-1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    return unquote(path.split("?", 1)[0])


def mongo_config(settings: Settings) -> MongoConfig:
    """Read ``[mongo]``; a missing URL or a bad value is a ConfigurationError saying where to fix it."""
    section: dict[str, Any] = settings.section("mongo")
    env_url = (settings.model_extra or {}).get("mongo_url")
    if env_url:
        section["url"] = env_url
    if not section.get("url"):
        raise ConfigurationError(
            "framework-mx-mongo is installed but no MongoDB is configured: set "
            f"{ENV_URL} or url under [mongo] in framework_config.toml (or uninstall the package "
            "to go back to the SQL adapters)"
        )
    if env_url:
        try:
            return MongoConfig.model_validate(section)
        except Exception as exc:
            raise ConfigurationError(f"{ENV_URL}: {exc}") from None
    return settings.parse_section("mongo", MongoConfig, section)


def redact(url: str) -> str:
    """The URL without its password, for messages and ``m info``."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
