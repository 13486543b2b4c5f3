"""Read an OpenAPI 3.0 or 3.1 document into an ``Api``: its schemas (see ``schemas``), operations,
security schemes and Framework M's sign-in route.

Anything the reader cannot follow raises a ValidationError naming the JSON pointer, so a generated
client never silently leaves part of the API out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from .api import Api, Body, Location, ObjectSchema, Operation, Parameter, Result, Schema, TypeRef
from .schemas import SchemaReader, escape, fail, text

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Sent by the clients themselves (auth, JSON); a parameter of that name would fight with them.
MANAGED_HEADERS = frozenset({"authorization", "content-type", "accept", "x-api-key"})


def is_json_media(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


class _OperationReader:
    def __init__(self, document: Mapping[str, Any], schemas: SchemaReader) -> None:
        self.document = document
        self.schemas = schemas
        self.skipped: list[str] = []

    def operations(self) -> list[Operation]:
        paths = self.document.get("paths") or {}
        if not isinstance(paths, Mapping):
            raise fail("/paths", "must be an object")
        found: list[Operation] = []
        for path, item in paths.items():
            pointer = f"/paths/{escape(path)}"
            pointer, item = self.schemas.resolve(pointer, item)
            if not isinstance(item, Mapping):
                raise fail(pointer, "a path item must be an object")
            shared = item.get("parameters") or []
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                if not isinstance(op, Mapping):
                    raise fail(f"{pointer}/{method}", "an operation must be an object")
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
                raise fail(f"{pointer}/{source}", "must be a list")
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
            summary=text(op.get("summary")),
            description=text(op.get("description")),
            deprecated=op.get("deprecated") is True,
        )

    def parameter(self, pointer: str, op_id: str, entry: Any) -> Parameter | None:
        pointer, entry = self.schemas.resolve(pointer, entry)
        if not isinstance(entry, Mapping):
            raise fail(pointer, "a parameter must be an object")
        name, location = entry.get("name"), entry.get("in")
        if not isinstance(name, str) or location not in ("path", "query", "header", "cookie"):
            raise fail(pointer, "a parameter needs a name and in: path, query, header or cookie")
        if location == "cookie" or (location == "header" and name.lower() in MANAGED_HEADERS):
            self.skipped.append(f"{op_id}: {location} parameter {name!r} is not exposed")
            return None
        if "schema" in entry:
            kind = self.schemas.type_of(f"{pointer}/schema", entry["schema"], f"{op_id} {name}")
        else:
            kind = TypeRef("string")  # content-encoded parameters travel as text
        return Parameter(
            name=name,
            location=cast(Location, location),
            type=kind,
            required=location == "path" or entry.get("required") is True,
            description=text(entry.get("description")),
        )

    def body(self, pointer: str, node: Any, op_id: str) -> Body | None:
        if node is None:
            return None
        pointer, node = self.schemas.resolve(pointer, node)
        content = node.get("content") if isinstance(node, Mapping) else None
        if not isinstance(content, Mapping) or not content:
            raise fail(pointer, "a request body needs content")
        required = node.get("required") is True
        for media_type, media in content.items():
            if is_json_media(media_type):
                schema = media.get("schema", True) if isinstance(media, Mapping) else True
                where = f"{pointer}/content/{escape(media_type)}/schema"
                kind = self.schemas.type_of(where, schema, f"{op_id} Body")
                return Body(media_type, kind, required)
        return Body(next(iter(content)), None, required)

    def result(self, pointer: str, node: Any, op_id: str) -> Result:
        if not isinstance(node, Mapping) or not node:
            raise fail(pointer, "an operation needs responses")
        codes = sorted(
            (int(str(code).upper().replace("XX", "00")), str(code))
            for code in node
            if str(code)[:1] == "2" and str(code)[1:].upper().replace("X", "0").isdigit()
        )
        if not codes:
            return Result(200, None, None)
        status, key = codes[0]
        where, response = self.schemas.resolve(f"{pointer}/{key}", node[key])
        content = response.get("content") if isinstance(response, Mapping) else None
        if not isinstance(content, Mapping) or not content:
            return Result(status, None, None)
        for media_type, media in content.items():
            if is_json_media(media_type):
                schema = media.get("schema", True) if isinstance(media, Mapping) else True
                kind = self.schemas.type_of(
                    f"{where}/content/{escape(media_type)}/schema", schema, f"{op_id} Result"
                )
                return Result(status, media_type, kind)
        return Result(status, next(iter(content)), None)


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
        raise fail("/", "the document must be a JSON object")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = document.get("swagger") or version
        raise fail("/openapi", f"not an OpenAPI 3 document (version {found!r})")
    info = document.get("info")
    if not isinstance(info, Mapping):
        info = {}
    schemas = SchemaReader(document)
    schemas.read_components()
    reader = _OperationReader(document, schemas)
    operations = reader.operations()
    bearer, header = _security(document)
    return Api(
        title=str(info.get("title") or "API"),
        version=str(info.get("version") or ""),
        openapi=version,
        schemas=dict(sorted(schemas.schemas.items())),
        operations=tuple(operations),
        bearer=bearer,
        api_key_header=header,
        sign_in_path=_sign_in_path(schemas.schemas, operations),
        skipped=tuple(reader.skipped),
    )
