"""The TypeScript client: one module of interfaces and a fetch-based ``Client``.

It needs nothing but ``fetch`` (browsers, Node 18+, Deno) and compiles under ``tsc --strict``. Decimals,
dates and ids are strings on the wire and stay strings here; the interfaces say which is which in
their descriptions.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..generate import render_template as render
from .api import AliasSchema, Api, ObjectSchema, Operation, Parameter, TypeRef
from .names import allocate, camel, type_name

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
# Reserved words and built-in type names of TypeScript: never an identifier of ours.
_KEYWORD_TEXT = """
break case catch class const continue debugger default delete do else enum export extends false
finally for function if import in instanceof new null return super switch this throw true try typeof
var void while with as implements interface let package private protected public static yield await
any unknown never object string number boolean symbol bigint undefined type of async get set declare
namespace module require readonly keyof infer is
"""
# Names the module itself uses: a schema of the same name would hide them.
_RUNTIME_TEXT = """
Client ClientOptions ApiError ApiFieldProblem QueryValue RequestBody Record Promise Error Array JSON
Object String Number Boolean URLSearchParams RequestInit Response Headers HeadersInit BodyInit Blob
ArrayBuffer fetch globalThis encodeURIComponent Partial Readonly fillPath isFieldProblem
"""
_KEYWORDS = frozenset(_KEYWORD_TEXT.split())
_RUNTIME = frozenset(_RUNTIME_TEXT.split())
_CLIENT_MEMBERS = frozenset(
    {"signIn", "send", "token", "apiKey", "refreshToken", "baseUrl", "fetcher", "constructor"}
)


def ts_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def comment(text: str | None, indent: str) -> str:
    """``text`` as a JSDoc block at ``indent`` (empty when there is no text)."""
    if not text:
        return ""
    rows = [row.rstrip() for row in text.replace("\r\n", "\n").split("\n")]
    rows = [row.replace("*/", "*\\/") for row in rows]
    if len(rows) == 1:
        return f"{indent}/** {rows[0]} */\n"
    body = "".join(f"{indent} *{' ' + row if row else ''}\n" for row in rows)
    return f"{indent}/**\n{body}{indent} */\n"


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else ts_str(name)


def _ident(name: str) -> str:
    base = camel(name) or "value"
    if base[:1].isdigit():
        base = f"p{base}"
    return base


class TypeScriptRenderer:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.names = allocate(
            ((name, type_name(name)) for name in api.schemas), _KEYWORDS | _RUNTIME
        )

    def type(self, t: TypeRef) -> str:
        if t.kind == "union":
            return " | ".join(dict.fromkeys(self.type(m) for m in t.members))
        if t.kind == "literal":
            return " | ".join(json.dumps(v) for v in t.values)
        if t.kind == "string":
            return "string"
        if t.kind in ("integer", "number"):
            return "number"
        if t.kind == "boolean":
            return "boolean"
        if t.kind == "null":
            return "null"
        if t.kind == "array" and t.item is not None:
            inner = self.type(t.item)
            return f"({inner})[]" if " " in inner else f"{inner}[]"
        if t.kind == "map" and t.item is not None:
            return f"Record<string, {self.type(t.item)}>"
        if t.kind == "ref" and t.ref is not None:
            return self.names[t.ref]
        return "unknown"

    def module(self) -> str:
        schemas: list[str] = []
        for schema_name, schema in sorted(
            self.api.schemas.items(), key=lambda item: self.names[item[0]]
        ):
            name = self.names[schema_name]
            doc = comment(schema.description, "")
            if isinstance(schema, AliasSchema):
                schemas.append(f"{doc}export type {name} = {self.type(schema.type)};\n")
            else:
                schemas.append(doc + self._interface(name, schema))
        methods = allocate(
            ((str(i), _ident(op.id)) for i, op in enumerate(self.api.operations)),
            _CLIENT_MEMBERS | _KEYWORDS,
        )
        title = f"{self.api.title} {self.api.version}".strip()
        return render(
            "client/typescript/client.ts.j2",
            title=title,
            schemas=schemas,
            methods=[self._method(op, methods[str(i)]) for i, op in enumerate(self.api.operations)],
            api_key_header=ts_str(self.api.api_key_header) if self.api.api_key_header else None,
            api_key_header_text=self.api.api_key_header or "",
            sign_in=ts_str(self.api.sign_in_path) if self.api.sign_in_path else None,
            sign_in_text=self.api.sign_in_path or "",
        )

    def _interface(self, name: str, schema: ObjectSchema) -> str:
        rows = []
        for prop in schema.properties:
            optional = "" if prop.required else "?"
            rows.append(
                comment(prop.description, "  ")
                + f"  {_key(prop.name)}{optional}: {self.type(prop.type)};\n"
            )
        return f"export interface {name} {{\n{''.join(rows)}}}\n"

    def _method(self, op: Operation, name: str) -> dict[str, Any]:
        path_params = sorted(
            (p for p in op.parameters if p.location == "path"),
            key=lambda p: op.path.find("{" + p.name + "}"),
        )
        others = [p for p in op.parameters if p.location != "path"]
        idents = allocate(
            ((p.name, _ident(p.name)) for p in path_params),
            _KEYWORDS | _RUNTIME | {"params", "body"},
        )
        args = [f"{idents[p.name]}: {self.type(p.type)}" for p in path_params]
        if path_params:
            values = ", ".join(f"{_key(p.name)}: {idents[p.name]}" for p in path_params)
            path = f"fillPath({ts_str(op.path)}, {{ {values} }})"
        else:
            path = ts_str(op.path)
        body = "undefined"
        if op.body is not None:
            optional = not op.body.required or (op.body.type is not None and op.body.type.nullable)
            kind = self.type(op.body.type) if op.body.type is not None else "BodyInit"
            if optional and any(p.required for p in others):
                # A required parameter cannot follow an optional one: spell the undefined out.
                args.append(f"body: {kind} | undefined")
            else:
                args.append(f"body{'?' if optional else ''}: {kind}")
            media = ts_str(op.body.media_type)
            if op.body.type is None:
                body = f"{{ raw: body, type: {media} }}"
            elif op.body.media_type.split(";")[0].strip().lower() != "application/json":
                body = f"{{ json: body, type: {media} }}"
            else:
                body = "{ json: body }"
            if optional and (op.body.type is None or not op.body.required):
                body = f"body === undefined ? undefined : {body}"
        if others:
            fields = "".join(
                f"{comment(p.description, '    ')}    {_key(p.name)}"
                f"{'' if p.required else '?'}: {self.type(p.type)};\n"
                for p in others
            )
            default = "" if any(p.required for p in others) else " = {}"
            args.append(f"params: {{\n{fields}  }}{default}")
        query = self._pass(p for p in others if p.location == "query")
        headers = self._pass(p for p in others if p.location == "header")
        result = op.result
        if result.type is not None:
            returns = self.type(result.type)
        elif result.media_type is not None:
            returns = "ArrayBuffer"
        else:
            returns = "void"
        doc = [op.summary, ""] if op.summary else []
        if op.description:
            doc += [op.description, ""]
        doc += [f"`{op.method} {op.path}`"]
        if op.deprecated:
            doc += ["", "@deprecated"]
        send = f"this.send({ts_str(op.method)}, {path}, {query}, {headers}, {body})"
        params = "(" + "".join(f"\n    {arg}," for arg in args) + ("\n  )" if args else ")")
        return {
            "doc": comment("\n".join(doc), "  "),
            "name": name,
            "params": params,
            "returns": returns,
            "send": send,
        }

    def _pass(self, params: Any) -> str:
        chosen: list[Parameter] = list(params)
        if not chosen:
            return "{}"
        return "{ " + ", ".join(f"{_key(p.name)}: params[{ts_str(p.name)}]" for p in chosen) + " }"
