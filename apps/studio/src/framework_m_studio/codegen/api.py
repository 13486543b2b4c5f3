"""What a client generator needs from an OpenAPI document, independent of the target language.

``openapi.read_api`` builds these from the document; the Python and TypeScript renderers only read
them. Names here are still the document's own (wire) names: each renderer makes its identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Scalar = str | int | float | bool | None
Kind = Literal[
    "any",
    "string",
    "integer",
    "number",
    "boolean",
    "null",
    "literal",
    "array",
    "map",
    "ref",
    "union",
]
Location = Literal["path", "query", "header"]


class _NoDefault:
    """The absence of a default value (``None`` is a legitimate JSON default)."""

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault()


@dataclass(frozen=True)
class TypeRef:
    """A JSON Schema reduced to what both languages can express.

    ``format`` refines strings (``date``, ``date-time``, ``uuid``, ``decimal``…); ``values`` are a
    literal's allowed values; ``item`` is an array's element or a map's value type; ``ref`` names a
    schema in ``Api.schemas``; ``members`` are a union's alternatives (never nested unions).
    """

    kind: Kind
    format: str | None = None
    values: tuple[Scalar, ...] = ()
    item: TypeRef | None = None
    ref: str | None = None
    members: tuple[TypeRef, ...] = ()

    @property
    def nullable(self) -> bool:
        if self.kind == "null":
            return True
        if self.kind == "literal":
            return None in self.values
        return any(m.nullable for m in self.members)


ANY = TypeRef("any")
NULL = TypeRef("null")


def union(*types: TypeRef) -> TypeRef:
    """The union of ``types``: flattened, without duplicates, ``any`` absorbing everything."""
    flat: list[TypeRef] = []
    for t in types:
        for member in t.members if t.kind == "union" else (t,):
            if member.kind == "any":
                return ANY
            if member not in flat:
                flat.append(member)
    if len(flat) == 1:
        return flat[0]
    return TypeRef("union", members=tuple(flat))


def without_null(t: TypeRef) -> TypeRef | None:
    """``t`` minus ``null``; ``None`` when nothing else is left."""
    if t.kind == "null":
        return None
    if t.kind == "literal" and None in t.values:
        rest = tuple(v for v in t.values if v is not None)
        return TypeRef("literal", values=rest) if rest else None
    if t.kind == "union":
        kept = [m for m in (without_null(m) for m in t.members) if m is not None]
        return union(*kept) if kept else None
    return t


@dataclass(frozen=True)
class Property:
    name: str
    type: TypeRef
    required: bool
    default: object = NO_DEFAULT
    description: str | None = None


@dataclass(frozen=True)
class ObjectSchema:
    """A JSON object with named properties: a pydantic model, a TypeScript interface."""

    name: str
    properties: tuple[Property, ...]
    description: str | None = None


@dataclass(frozen=True)
class AliasSchema:
    """Any other named schema (an enum, a list, a union…): a type alias in both languages."""

    name: str
    type: TypeRef
    description: str | None = None


Schema = ObjectSchema | AliasSchema


@dataclass(frozen=True)
class Parameter:
    name: str
    location: Location
    type: TypeRef
    required: bool
    description: str | None = None


@dataclass(frozen=True)
class Body:
    """A request body: JSON (``type`` describes it) or raw bytes sent as ``media_type``."""

    media_type: str
    type: TypeRef | None
    required: bool

    @property
    def is_json(self) -> bool:
        return self.type is not None


@dataclass(frozen=True)
class Result:
    """A successful answer: JSON of ``type``, raw bytes (``media_type`` not JSON) or nothing."""

    status: int
    media_type: str | None
    type: TypeRef | None


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    body: Body | None
    result: Result
    summary: str | None = None
    description: str | None = None
    deprecated: bool = False


@dataclass(frozen=True)
class Api:
    """The whole document: ``schemas`` by name (sorted), ``operations`` in document order.

    ``bearer`` says the API takes ``Authorization: Bearer`` tokens, ``api_key_header`` names the
    header an API key travels in, and ``sign_in_path`` is Framework M's password sign-in route (when
    the document has one) that the clients' ``sign_in`` helper calls.
    """

    title: str
    version: str
    openapi: str
    schemas: dict[str, Schema]
    operations: tuple[Operation, ...]
    bearer: bool = False
    api_key_header: str | None = None
    sign_in_path: str | None = None
    skipped: tuple[str, ...] = field(default=())
