"""A DTO that documents a DocType as the request body but only decodes JSON: the Kernel validates.

Letting Litestar validate too would run pydantic twice on every write (measured ~1.5x slower for a
document with many child rows, ADR 0003) and would answer bad input in a second, different format.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Generic, TypeVar

import msgspec
from litestar.dto import AbstractDTO
from litestar.dto.data_structures import DTOFieldDefinition
from litestar.exceptions import ClientException
from litestar.typing import FieldDefinition

T = TypeVar("T")


class JSONBodyDTO(AbstractDTO[T], Generic[T]):
    """``JSONBodyDTO[Invoice]``: OpenAPI shows ``Invoice``; the handler receives plain JSON data."""

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
        return schema_creator.for_field_definition(FieldDefinition.from_annotation(cls.model_type))

    def decode_bytes(self, value: bytes) -> Any:
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError as exc:
            raise ClientException(f"the request body is not valid JSON: {exc}") from None

    def decode_builtins(self, value: Any) -> Any:
        return value
