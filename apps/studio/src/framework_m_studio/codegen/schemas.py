"""JSON Schema, as OpenAPI 3.0 and 3.1 use it, reduced to the TypeRefs a typed client can express.

Scalars with formats, literals, arrays, maps, named objects and unions (``oneOf``/``anyOf``, 3.1
type lists, 3.0 ``nullable``); ``allOf`` of objects is merged into one object, and inline objects
with properties become named schemas of their own. What cannot be followed (an external ``$ref``, a
cycle) is a ValidationError naming the JSON pointer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import unquote

from framework_m_core.errors import FieldError, ValidationError

from .api import (
    ANY,
    NO_DEFAULT,
    NULL,
    AliasSchema,
    Kind,
    ObjectSchema,
    Property,
    Scalar,
    Schema,
    TypeRef,
    union,
)
from .names import pascal, unique

SCHEMAS = "#/components/schemas/"


def fail(pointer: str, message: str) -> ValidationError:
    """The error for what the document says at ``pointer``."""
    return ValidationError(
        f"OpenAPI document, {pointer or '/'}: {message}", [FieldError([pointer or "/"], message)]
    )


def escape(token: str) -> str:
    """``token`` as one JSON pointer segment."""
    return token.replace("~", "~0").replace("/", "~1")


class SchemaReader:
    """Reads ``components/schemas`` (once each, on first use) and any inline schema into TypeRefs;
    follows references inside the document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        components = document.get("components") or {}
        if not isinstance(components, Mapping):
            raise fail("/components", "must be an object")
        raw = components.get("schemas") or {}
        if not isinstance(raw, Mapping):
            raise fail("/components/schemas", "must be an object")
        self.raw_schemas: Mapping[str, Any] = raw
        self.schemas: dict[str, Schema] = {}
        self.merging: set[str] = set()

    def resolve(self, pointer: str, node: Any, depth: int = 0) -> tuple[str, Any]:
        """Follow ``$ref`` chains inside the document; returns the final pointer and node."""
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise fail(pointer, f"only references inside the document are supported: {ref!r}")
            depth += 1
            if depth > 32:
                raise fail(pointer, f"reference cycle through {ref!r}")
            target: Any = self.document
            for token in ref[2:].split("/"):
                key = unquote(token).replace("~1", "/").replace("~0", "~")
                if isinstance(target, Mapping) and key in target:
                    target = target[key]
                elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
                    target = target[int(key)]
                else:
                    raise fail(pointer, f"reference {ref!r} points at nothing")
            pointer, node = ref[1:], target
        return pointer, node

    def read_components(self) -> None:
        for name in self.raw_schemas:
            if name not in self.schemas:
                self.component(name)

    def component(self, name: str) -> str:
        """Read ``#/components/schemas/<name>`` once; returns its name for a ``ref``."""
        if name in self.schemas:
            return name
        pointer = f"/components/schemas/{escape(name)}"
        node = self.raw_schemas[name]
        merged = self.merged_object(pointer, node)
        if merged is not None:
            # Registered before its properties are read, so a schema may refer to itself.
            self.schemas[name] = ObjectSchema(name, (), text(node.get("description")))
            self.schemas[name] = self.object_schema(name, pointer, merged)
        else:
            description = text(_get(node, "description"))
            self.schemas[name] = AliasSchema(name, ANY, description)
            self.schemas[name] = AliasSchema(name, self.type_of(pointer, node, name), description)
        return name

    def merged_object(self, pointer: str, node: Any) -> dict[str, Any] | None:
        """``node`` as one object schema with properties (``allOf`` parts merged), else None."""
        if not isinstance(node, Mapping) or "$ref" in node:
            return None
        if any(k in node for k in ("oneOf", "anyOf", "enum", "const")):
            return None
        parts = node.get("allOf")
        if parts is None:
            if node.get("properties") and _types(node) <= {"object"}:
                return dict(node)
            return None
        if not isinstance(parts, list):
            raise fail(f"{pointer}/allOf", "must be a list")
        if len(parts) == 1 and not node.get("properties"):
            return None  # the idiom for a described or nullable reference: the part itself
        if pointer in self.merging:
            raise fail(pointer, "allOf refers back to itself")
        self.merging.add(pointer)
        try:
            return self.merge(pointer, node, parts)
        finally:
            self.merging.discard(pointer)

    def merge(
        self, pointer: str, node: Mapping[str, Any], parts: list[Any]
    ) -> dict[str, Any] | None:
        merged: dict[str, Any] = {
            "properties": dict(node.get("properties") or {}),
            "required": list(node.get("required") or []),
            "description": node.get("description"),
        }
        for i, part in enumerate(parts):
            where, resolved = self.resolve(f"{pointer}/allOf/{i}", part)
            flat = self.merged_object(where, resolved)
            if flat is None:
                return None
            merged["properties"].update(flat.get("properties") or {})
            merged["required"].extend(flat.get("required") or [])
            merged["description"] = merged["description"] or flat.get("description")
        return merged if merged["properties"] else None

    def object_schema(self, name: str, pointer: str, node: Mapping[str, Any]) -> ObjectSchema:
        properties = node.get("properties")
        if not isinstance(properties, Mapping):
            raise fail(f"{pointer}/properties", "must be an object")
        required = node.get("required") or []
        if not isinstance(required, list):
            raise fail(f"{pointer}/required", "must be a list of property names")
        props: list[Property] = []
        for prop_name, prop in properties.items():
            where = f"{pointer}/properties/{escape(prop_name)}"
            own = prop if isinstance(prop, Mapping) else {}
            props.append(
                Property(
                    name=prop_name,
                    type=self.type_of(where, prop, name + pascal(prop_name)),
                    required=prop_name in required,
                    default=own.get("default", NO_DEFAULT),
                    description=text(own.get("description")),
                )
            )
        return ObjectSchema(name, tuple(props), text(node.get("description")))

    def hoist(self, pointer: str, node: Mapping[str, Any], hint: str) -> TypeRef:
        """A named schema for an inline object with properties."""
        name = unique(pascal(hint) or "Object", self.schemas.keys() | self.raw_schemas.keys(), "")
        self.schemas[name] = ObjectSchema(name, (), None)
        self.schemas[name] = self.object_schema(name, pointer, node)
        return TypeRef("ref", ref=name)

    def type_of(self, pointer: str, node: Any, hint: str) -> TypeRef:
        """The TypeRef of the schema ``node`` found at ``pointer``."""
        if node is True or node is None:
            return ANY
        if node is False:
            return ANY
        if not isinstance(node, Mapping):
            raise fail(pointer, "a schema must be an object or a boolean")
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            name = unquote(ref[len(SCHEMAS) :]).replace("~1", "/").replace("~0", "~")
            if name not in self.raw_schemas:
                raise fail(pointer, f"reference {ref!r} points at nothing")
            return _nullable(node, TypeRef("ref", ref=self.component(name)))
        if ref is not None:
            where, resolved = self.resolve(pointer, node)
            return self.type_of(where, resolved, hint)
        if "const" in node:
            return _nullable(node, self.literal(pointer, [node["const"]], node))
        if "enum" in node:
            values = node["enum"]
            if not isinstance(values, list) or not values:
                raise fail(f"{pointer}/enum", "must be a non-empty list")
            return _nullable(node, self.literal(pointer, values, node))
        for keyword in ("oneOf", "anyOf"):
            if keyword in node:
                options = node[keyword]
                if not isinstance(options, list) or not options:
                    raise fail(f"{pointer}/{keyword}", "must be a non-empty list")
                return _nullable(
                    node,
                    union(
                        *(
                            self.type_of(f"{pointer}/{keyword}/{i}", option, f"{hint}Option{i}")
                            for i, option in enumerate(options)
                        )
                    ),
                )
        if "allOf" in node:
            parts = node["allOf"]
            if isinstance(parts, list) and len(parts) == 1 and not node.get("properties"):
                return _nullable(node, self.type_of(f"{pointer}/allOf/0", parts[0], hint))
            merged = self.merged_object(pointer, node)
            if merged is not None:
                return _nullable(node, self.hoist(pointer, merged, hint))
            return ANY
        types = _types(node)
        if not types:
            if "properties" in node:
                types = {"object"}
            elif "items" in node:
                types = {"array"}
            else:
                return ANY
        return _nullable(node, union(*(self.typed(pointer, node, t, hint) for t in sorted(types))))

    def typed(self, pointer: str, node: Mapping[str, Any], kind: str, hint: str) -> TypeRef:
        if kind in ("string", "integer", "number", "boolean"):
            fmt = node.get("format")
            return TypeRef(cast(Kind, kind), format=fmt if isinstance(fmt, str) else None)
        if kind == "null":
            return NULL
        if kind == "array":
            items = node.get("items", True)
            return TypeRef("array", item=self.type_of(f"{pointer}/items", items, f"{hint}Item"))
        if kind == "object":
            if node.get("properties"):
                return self.hoist(pointer, node, hint)
            extra = node.get("additionalProperties", True)
            value = self.type_of(f"{pointer}/additionalProperties", extra, f"{hint}Value")
            return TypeRef("map", item=value)
        raise fail(f"{pointer}/type", f"unknown type {kind!r}")

    def literal(self, pointer: str, values: list[Any], node: Mapping[str, Any]) -> TypeRef:
        plain: list[Scalar] = []
        for value in values:
            if value is not None and not isinstance(value, str | int | float | bool):
                # An enum of objects or arrays says less than its base type: keep the base type.
                rest = {k: v for k, v in node.items() if k not in ("enum", "const")}
                return self.type_of(pointer, rest, "Value") if _types(rest) else ANY
            # 1, 1.0 and True are equal in Python but distinct JSON values.
            if not any(type(v) is type(value) and v == value for v in plain):
                plain.append(value)
        return TypeRef("literal", values=tuple(plain))


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, Mapping) else None


def text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _types(node: Mapping[str, Any]) -> set[str]:
    declared = node.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    return set()


def _nullable(node: Mapping[str, Any], kind: TypeRef) -> TypeRef:
    """OpenAPI 3.0's ``nullable: true`` as a union with null."""
    return union(kind, NULL) if node.get("nullable") is True else kind
