"""OpenAPI details Litestar cannot guess: how decimals travel and how callers authenticate."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from litestar.openapi.spec import OpenAPIType, Reference, Schema, SecurityScheme
from litestar.plugins import OpenAPISchemaPlugin

from .auth import CSRF_HEADER
from .problems import SESSION_COOKIE

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.typing import FieldDefinition


class DecimalAsText(OpenAPISchemaPlugin):
    """Decimals are sent as JSON strings ("12.50") so no digit is lost to binary floats; Litestar would
    call a constrained ``Decimal`` a number, which is not what the server sends."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is Decimal

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        # The field's own description (``Field(description=…)``) comes first; the encoding follows.
        own = getattr(field_definition.kwarg_definition, "description", None)
        encoding = 'a decimal number as text, e.g. "12.50"'
        return Schema(
            type=OpenAPIType.STRING,
            format="decimal",  # type: ignore[arg-type]  # OpenAPI allows any format name
            description=f"{own} ({encoding})" if own else encoding,
        )


SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    "bearer": SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="Access token from POST /api/v1/auth/login (short-lived; refresh with "
        "POST /api/v1/auth/refresh).",
    ),
    "apiKey": SecurityScheme(
        type="apiKey",
        name="X-API-Key",
        security_scheme_in="header",
        description="An API key as <key>:<secret>; also accepted as Authorization: token "
        "<key>:<secret>.",
    ),
    "session": SecurityScheme(
        type="apiKey",
        name=SESSION_COOKIE,
        security_scheme_in="cookie",
        description="Browser session from a cookie-mode login; unsafe methods need the "
        f"{CSRF_HEADER} header.",
    ),
}
