"""Web settings: ``[web]`` in framework_config.toml (``FRAMEWORK_M_WEB__<KEY>`` in the environment)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from framework_m_core.composition import Settings


class WebConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_size: int = Field(
        default=1_048_576, ge=1024, description="bytes; larger bodies get 413"
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="CORS is off while this is empty"
    )
    trust_gateway_headers: bool = Field(
        default=False,
        description="accept X-User-Id / X-Roles / X-Tenant-Id from a trusted gateway; never enable this "
        "when clients can reach the server directly",
    )


def web_config(settings: Settings) -> WebConfig:
    section = settings.section("web")
    for key in ("cors_origins",):
        if isinstance(section.get(key), str):
            section[key] = [v.strip() for v in section[key].split(",") if v.strip()]
    return settings.parse_section("web", WebConfig, section)
