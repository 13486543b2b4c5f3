"""Read an OpenAPI 3.0 or 3.1 document into an ``Api``.

JSON Schema is reduced to what a typed client can say: scalars with formats, literals, arrays, maps,
named objects and unions (``oneOf``/``anyOf``, 3.1 type lists, 3.0 ``nullable``). Inline objects with
properties become named schemas of their own. Anything the reader cannot follow (an external
``$ref``, a reference cycle, a document that is not OpenAPI 3) raises a ValidationError naming the
JSON pointer, so a generated client never silently leaves part of the API out.
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
    Api,
    Body,
    Kind,
    Location,
    ObjectSchema,
    Operation,
    Parameter,
    Property,
    Result,
    Scalar,
    Schema,
    TypeRef,
    union,
)
from .names import pascal, unique

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SCHEMAS = "#/components/schemas/"
# Sent by the clients themselves (auth, JSON); a parameter of that name would fight with them.
MANAGED_HEADERS = frozenset({"authorization", "content-type", "accept", "x-api-key"})
_SCALARS = {"string", "integer", "number", "boolean", "null"}


def _fail(pointer: str, message: str) -> ValidationError:
    return ValidationError(
        f"OpenAPI document, {pointer or '/'}: {message}", [FieldError([pointer or "/"], message)]
    )


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def is_json_media(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


class _Reader:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        components = document.get("components") or {}
        if not isinstance(components, Mapping):
            raise _fail("/components", "must be an object")
        raw = components.get("schemas") or {}
        if not isinstance(raw, Mapping):
            raise _fail("/components/schemas", "must be an object")
        self.raw_schemas: Mapping[str, Any] = raw
        self.schemas: dict[str, Schema] = {}
        self.skipped: list[str] = []
        self.merging: set[str] = set()

    # -- references ---------------------------------------------------------------------------

    def resolve(self, pointer: str, node: Any, depth: int = 0) -> tuple[str, Any]:
        """Follow ``$ref`` chains inside the document; returns the final pointer and node."""
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise _fail(pointer, f"only references inside the document are supported: {ref!r}")
            depth += 1
            if depth > 32:
                raise _fail(pointer, f"reference cycle through {ref!r}")
            target: Any = self.document
            for token in ref[2:].split("/"):
                key = unquote(token).replace("~1", "/").replace("~0", "~")
                if isinstance(target, Mapping) and key in target:
                    target = target[key]
                elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
                    target = target[int(key)]
                else:
                    raise _fail(pointer, f"reference {ref!r} points at nothing")
            pointer, node = ref[1:], target
        return pointer, node

    # -- schemas --------------------------------------------------------------------------------

    def read_components(self) -> None:
        for name in self.raw_schemas:
            if name not in self.schemas:
                self.component(name)

    def component(self, name: str) -> str:
        """Read ``#/components/schemas/<name>`` once; returns its name for a ``ref``."""
        if name in self.schemas:
            return name
        pointer = f"/components/schemas/{_escape(name)}"
        node = self.raw_schemas[name]
        merged = self.merged_object(pointer, node)
        if merged is not None:
            # Registered before its properties are read, so a schema may refer to itself.
            self.schemas[name] = ObjectSchema(name, (), _text(node.get("description")))
            self.schemas[name] = self.object_schema(name, pointer, merged)
        else:
            description = _text(_get(node, "description"))
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
            raise _fail(f"{pointer}/allOf", "must be a list")
        if len(parts) == 1 and not node.get("properties"):
            return None  # the idiom for a described or nullable reference: the part itself
        if pointer in self.merging:
            raise _fail(pointer, "allOf refers back to itself")
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
            raise _fail(f"{pointer}/properties", "must be an object")
        required = node.get("required") or []
        if not isinstance(required, list):
            raise _fail(f"{pointer}/required", "must be a list of property names")
        props: list[Property] = []
        for prop_name, prop in properties.items():
            where = f"{pointer}/properties/{_escape(prop_name)}"
            own = prop if isinstance(prop, Mapping) else {}
            props.append(
                Property(
                    name=prop_name,
                    type=self.type_of(where, prop, name + pascal(prop_name)),
                    required=prop_name in required,
                    default=own.get("default", NO_DEFAULT),
                    description=_text(own.get("description")),
                )
            )
        return ObjectSchema(name, tuple(props), _text(node.get("description")))

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
            raise _fail(pointer, "a schema must be an object or a boolean")
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            name = unquote(ref[len(SCHEMAS) :]).replace("~1", "/").replace("~0", "~")
            if name not in self.raw_schemas:
                raise _fail(pointer, f"reference {ref!r} points at nothing")
            return _nullable(node, TypeRef("ref", ref=self.component(name)))
        if ref is not None:
            where, resolved = self.resolve(pointer, node)
            return self.type_of(where, resolved, hint)
        if "const" in node:
            return _nullable(node, self.literal(pointer, [node["const"]], node))
        if "enum" in node:
            values = node["enum"]
            if not isinstance(values, list) or not values:
                raise _fail(f"{pointer}/enum", "must be a non-empty list")
            return _nullable(node, self.literal(pointer, values, node))
        for keyword in ("oneOf", "anyOf"):
            if keyword in node:
                options = node[keyword]
                if not isinstance(options, list) or not options:
                    raise _fail(f"{pointer}/{keyword}", "must be a non-empty list")
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
        raise _fail(f"{pointer}/type", f"unknown type {kind!r}")

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

    # -- operations -----------------------------------------------------------------------------

    def operations(self) -> list[Operation]:
        paths = self.document.get("paths") or {}
        if not isinstance(paths, Mapping):
            raise _fail("/paths", "must be an object")
        found: list[Operation] = []
        for path, item in paths.items():
            pointer = f"/paths/{_escape(path)}"
            pointer, item = self.resolve(pointer, item)
            if not isinstance(item, Mapping):
                raise _fail(pointer, "a path item must be an object")
            shared = item.get("parameters") or []
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                if not isinstance(op, Mapping):
                    raise _fail(f"{pointer}/{method}", "an operation must be an object")
                found.append(self.operation(f"{pointer}/{method}", path, method, op, shared))
        return found

    def operation(
        self, pointer: str, path: str, method: str, op: Mapping[str, Any], shared: Any
    ) -> Operation:
        op_id = op.get("operationId")
        if not isinstance(op_id, str) or not op_id.strip():
            op_id = f"{method}_{path}"
        params: dict[tuple[str, str], Parameter] = {}
        for source, entries in (("parameters", shared), ("parameters", op.get("parameters") or [])):
            if not isinstance(entries, list):
                raise _fail(f"{pointer}/{source}", "must be a list")
            for i, entry in enumerate(entries):
                param = self.parameter(f"{pointer}/parameters/{i}", op_id, entry)
                if param is not None:
                    params[(param.location, param.name)] = param
        return Operation(
            id=op_id,
            method=method.upper(),
            path=path,
            parameters=tuple(params.values()),
            body=self.body(f"{pointer}/requestBody", op.get("requestBody"), op_id),
            result=self.result(f"{pointer}/responses", op.get("responses"), op_id),
            summary=_text(op.get("summary")),
            description=_text(op.get("description")),
            deprecated=op.get("deprecated") is True,
        )

    def parameter(self, pointer: str, op_id: str, entry: Any) -> Parameter | None:
        pointer, entry = self.resolve(pointer, entry)
        if not isinstance(entry, Mapping):
            raise _fail(pointer, "a parameter must be an object")
        name, location = entry.get("name"), entry.get("in")
        if not isinstance(name, str) or location not in ("path", "query", "header", "cookie"):
            raise _fail(pointer, "a parameter needs a name and in: path, query, header or cookie")
        if location == "cookie" or (location == "header" and name.lower() in MANAGED_HEADERS):
            self.skipped.append(f"{op_id}: {location} parameter {name!r} is not exposed")
            return None
        if "schema" in entry:
            kind = self.type_of(f"{pointer}/schema", entry["schema"], f"{op_id} {name}")
        else:
            kind = TypeRef("string")  # content-encoded parameters travel as text
        return Parameter(
            name=name,
            location=cast(Location, location),
            type=kind,
            required=location == "path" or entry.get("required") is True,
            description=_text(entry.get("description")),
        )

    def body(self, pointer: str, node: Any, op_id: str) -> Body | None:
        if node is None:
            return None
        pointer, node = self.resolve(pointer, node)
        content = node.get("content") if isinstance(node, Mapping) else None
        if not isinstance(content, Mapping) or not content:
            raise _fail(pointer, "a request body needs content")
        required = node.get("required") is True
        for media_type, media in content.items():
            if is_json_media(media_type):
                schema = media.get("schema", True) if isinstance(media, Mapping) else True
                where = f"{pointer}/content/{_escape(media_type)}/schema"
                kind = self.type_of(where, schema, f"{op_id} Body")
                return Body(media_type, kind, required)
        return Body(next(iter(content)), None, required)

    def result(self, pointer: str, node: Any, op_id: str) -> Result:
        if not isinstance(node, Mapping) or not node:
            raise _fail(pointer, "an operation needs responses")
        codes = sorted(
            (int(str(code).upper().replace("XX", "00")), str(code))
            for code in node
            if str(code)[:1] == "2" and str(code)[1:].upper().replace("X", "0").isdigit()
        )
        if not codes:
            return Result(200, None, None)
        status, key = codes[0]
        where, response = self.resolve(f"{pointer}/{key}", node[key])
        content = response.get("content") if isinstance(response, Mapping) else None
        if not isinstance(content, Mapping) or not content:
            return Result(status, None, None)
        for media_type, media in content.items():
            if is_json_media(media_type):
                schema = media.get("schema", True) if isinstance(media, Mapping) else True
                kind = self.type_of(
                    f"{where}/content/{_escape(media_type)}/schema", schema, f"{op_id} Result"
                )
                return Result(status, media_type, kind)
        return Result(status, next(iter(content)), None)


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, Mapping) else None


def _text(value: Any) -> str | None:
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


def _security(document: Mapping[str, Any]) -> tuple[bool, str | None]:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    bearer, header = False, None
    if isinstance(schemes, Mapping):
        for scheme in schemes.values():
            if not isinstance(scheme, Mapping):
                continue
            if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                bearer = True
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and header is None:
                name = scheme.get("name")
                header = name if isinstance(name, str) and name else None
    return bearer, header


def _sign_in_path(api_schemas: Mapping[str, Schema], operations: list[Operation]) -> str | None:
    """Framework M's password sign-in: operation ``login``, a JSON body with email and password."""
    for op in operations:
        if op.id != "login" or op.method != "POST" or op.body is None or op.body.type is None:
            continue
        body = op.body.type
        schema = api_schemas.get(body.ref or "") if body.kind == "ref" else None
        if isinstance(schema, ObjectSchema) and {"email", "password"} <= {
            p.name for p in schema.properties
        }:
            return op.path
    return None


def read_api(document: Any) -> Api:
    """The ``Api`` of an OpenAPI 3.x ``document`` (parsed JSON); raises ValidationError."""
    if not isinstance(document, Mapping):
        raise _fail("/", "the document must be a JSON object")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = document.get("swagger") or version
        raise _fail("/openapi", f"not an OpenAPI 3 document (version {found!r})")
    info = document.get("info")
    if not isinstance(info, Mapping):
        info = {}
    reader = _Reader(document)
    reader.read_components()
    operations = reader.operations()
    bearer, header = _security(document)
    return Api(
        title=str(info.get("title") or "API"),
        version=str(info.get("version") or ""),
        openapi=version,
        schemas=dict(sorted(reader.schemas.items())),
        operations=tuple(operations),
        bearer=bearer,
        api_key_header=header,
        sign_in_path=_sign_in_path(reader.schemas, operations),
        skipped=tuple(reader.skipped),
    )
