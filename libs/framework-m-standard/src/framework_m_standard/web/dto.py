"""A DTO that documents a request body's type but only decodes JSON: the Kernel validates.

Letting Litestar validate too would run pydantic twice on every write (measured ~1.5x slower for a
document with many child rows, ADR 0003) and would answer bad input in a second, different format.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import msgspec
from litestar.dto import AbstractDTO
from litestar.dto.data_structures import DTOFieldDefinition
from litestar.exceptions import ClientException
from litestar.typing import FieldDefinition


class JSONBodyDTO(AbstractDTO[Any]):
    """``dto=JSONBodyDTO`` on a handler whose ``data`` is annotated ``Invoice``: OpenAPI shows
    ``Invoice`` as the request body; the handler receives the plain JSON data.

    Use it unparametrized, with ``return_dto=None``: the annotation, not a type argument, names what
    to document, so one handler written for every DocType documents each DocType's own schema
    (see ``routing.Document``)."""

    @classmethod
    def generate_field_definitions(
        cls, model_type: type[Any]
    ) -> Generator[DTOFieldDefinition, None, None]:
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        return False

    @classmethod
    def create_for_field_definition(
        cls, field_definition: FieldDefinition, handler_id: str, backend_cls: Any = None
    ) -> None:
        return None

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: Any
    ) -> Any:
        documented = FieldDefinition.from_annotation(field_definition.annotation)
        return schema_creator.for_field_definition(documented)

    def decode_bytes(self, value: bytes) -> Any:
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError as exc:
            raise ClientException(f"the request body is not valid JSON: {exc}") from None

    def decode_builtins(self, value: Any) -> Any:
        return value
