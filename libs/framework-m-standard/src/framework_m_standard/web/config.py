"""Web settings: ``[web]`` in framework_config.toml (``FRAMEWORK_M_WEB__<KEY>`` in the environment)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from framework_m_core.composition import Settings


class WebConfig(BaseModel):
    """What the HTTP layer may accept: body size, cross-origin callers, gateway identities."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_size: int = Field(
        default=1_048_576, ge=1024, description="bytes; larger bodies get 413"
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="CORS is off while this is empty; explicit origins only (credentials are allowed, "
        "so '*' would let any site act as the signed-in user)",
    )
    trust_gateway_headers: bool = Field(
        default=False,
        description="accept X-User-Id / X-Roles / X-Tenant-Id from a trusted gateway; never enable this "
        "when clients can reach the server directly",
    )

    @field_validator("cors_origins")
    @classmethod
    def _explicit_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if "*" in origin or not origin.startswith(("http://", "https://")):
                raise ValueError(f"{origin!r} is not an explicit http(s) origin")
        return origins


def web_config(settings: Settings) -> WebConfig:
    section = settings.section("web")
    for key in ("cors_origins",):
        if isinstance(section.get(key), str):
            section[key] = [v.strip() for v in section[key].split(",") if v.strip()]
    return settings.parse_section("web", WebConfig, section)
