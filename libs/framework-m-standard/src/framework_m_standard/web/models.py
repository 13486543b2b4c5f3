"""Pydantic models at the HTTP edge — bodies decoded, results encoded, schemas drawn — without the
plugins Litestar adds by itself.

Litestar loads its pydantic plugins (which also import ``pydantic.v1``) and its attrs plugin whenever
those libraries are installed: 2.7 MB of every server process, for the little the app needs of them.
``FrameworkLitestar`` leaves them out; the app registers what it uses instead: the auth and share
bodies are pydantic models (validated as Litestar's plugin does, all errors reported), an RPC result
may be a document, and the OpenAPI document draws the DocTypes with Litestar's own pydantic schema
plugin, imported when a schema is first built.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from litestar import Litestar
from litestar._signature.types import ExtendedMsgSpecValidationError
from litestar.plugins import OpenAPISchemaPlugin
from litestar.plugins.core import MsgspecDIPlugin
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.plugins import PluginProtocol
    from litestar.typing import FieldDefinition


class FrameworkLitestar(Litestar):
    """Litestar without its default plugins for pydantic and attrs (see the module docstring)."""

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        # Litestar's own hook (private): it appends those plugins unconditionally. The msgspec
        # dependency-injection plugin it also adds is kept.
        return [*plugins, MsgspecDIPlugin()]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _decode(model: type[BaseModel], value: Any) -> BaseModel:
    """A request body into its model, every invalid field reported: Litestar turns this error type
    (from its private module, as its own pydantic plugin raises it) into one message per field."""
    try:
        return model.model_validate(value)
    except PydanticValidationError as exc:
        raise ExtendedMsgSpecValidationError(
            errors=cast("list[dict[str, Any]]", exc.errors(include_input=False))
        ) from exc


def _encode(model: BaseModel) -> Any:
    return model.model_dump(mode="json")


TYPE_DECODERS: list[tuple[Callable[[Any], bool], Callable[[Any, Any], Any]]] = [
    (_is_model, _decode)
]
TYPE_ENCODERS: dict[Any, Callable[[Any], Any]] = {BaseModel: _encode}


@functools.cache
def _litestar_plugin() -> OpenAPISchemaPlugin:
    from litestar.plugins.pydantic import PydanticSchemaPlugin

    return PydanticSchemaPlugin()


class PydanticSchemas(OpenAPISchemaPlugin):
    """Draws pydantic models in the OpenAPI document by handing them to Litestar's pydantic schema
    plugin, imported on the first schema built (Litestar asks plugins only while building one)."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return _litestar_plugin().is_plugin_supported_type(value)

    @staticmethod
    def is_undefined_sentinel(value: Any) -> bool:
        return _litestar_plugin().is_undefined_sentinel(value)

    @staticmethod
    def is_constrained_field(field_definition: FieldDefinition) -> bool:
        return _litestar_plugin().is_constrained_field(field_definition)

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        return _litestar_plugin().to_openapi_schema(field_definition, schema_creator)
