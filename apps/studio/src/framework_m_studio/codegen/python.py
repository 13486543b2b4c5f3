"""The Python client: a package of pydantic models, a sync and an async client over httpx.

Every name, type and statement is computed here and laid out by ``layout``; the templates under
``templates/client/python`` hold the module skeletons and the hand-written runtime (errors, auth,
requests). The result passes ``ruff check``, ``ruff format --check`` and ``mypy --strict``.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from .api import (
    NO_DEFAULT,
    AliasSchema,
    Api,
    ObjectSchema,
    Operation,
    Property,
    Scalar,
    TypeRef,
)
from .layout import INDENT, LIMIT, Code, Group, block, docstring, py_str
from .names import allocate, pascal, snake, type_name, unique
from .templates import render

# Names models.py imports (a schema called Decimal must not hide decimal.Decimal).
_MODEL_IMPORTS = frozenset(
    {"Any", "BaseModel", "ConfigDict", "Decimal", "Field", "Literal", "TypeAlias", "UUID"}
    | {"annotations", "date", "datetime", "time"}
)
_RESERVED_TYPES = (
    _MODEL_IMPORTS | set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins))
)
_MODEL_ATTRS = frozenset(dir(BaseModel))
_CLIENT_MEMBERS = frozenset(
    {"close", "aclose", "sign_in", "token", "api_key", "refresh_token", "base_url", "http"}
)
# What the runtime part of client.py (in the template) uses.
_CLIENT_IMPORTS = (
    ("collections.abc", "Mapping"),
    ("dataclasses", "dataclass"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("types", "TracebackType"),
    ("typing", "Any"),
    ("urllib.parse", "quote"),
    ("pydantic", "TypeAdapter"),
    (".", "models"),
)
_STRING_FORMATS = {
    "date": ("date", "datetime"),
    "date-time": ("datetime", "datetime"),
    "time": ("time", "datetime"),
    "uuid": ("UUID", "uuid"),
    "decimal": ("Decimal", "decimal"),
}


@dataclass
class _Imports:
    """What a module imports: ``import x`` modules and ``from x import y`` names."""

    names: dict[str, set[str]] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)

    def add(self, module: str, name: str) -> None:
        self.names.setdefault(module, set()).add(name)

    def lines(self, third_party: frozenset[str] = frozenset({"httpx", "pydantic"})) -> str:
        """In isort's order: standard library, third party, then this package; in each, plain
        imports before ``from`` imports; members as constants, classes, then the rest."""

        def key(name: str) -> tuple[int, str]:
            kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
            return kind, name

        def section(wanted: Any) -> str:
            plain = [f"import {m}" for m in sorted(m for m in self.modules if wanted(m))]
            members = [
                f"from {m} import {', '.join(sorted(self.names[m], key=key))}"
                for m in sorted(m for m in self.names if wanted(m))
            ]
            return "\n".join(plain + members)

        sections = [
            section(lambda m: not m.startswith(".") and m.split(".")[0] not in third_party),
            section(lambda m: m.split(".")[0] in third_party),
            section(lambda m: m.startswith(".")),
        ]
        return "\n\n".join(s for s in sections if s)


class PythonTypes:
    """Type expressions for ``Api`` schemas, in models.py (bare) or client.py (``models.`` prefix).

    Enumerations become named ``Literal`` aliases (``SalesInvoiceStatus``), shared by every place
    that allows the same values: they keep annotations short and give callers a name to use.
    """

    def __init__(self, api: Api) -> None:
        self.api = api
        self.class_names = allocate(
            ((name, type_name(name)) for name in api.schemas), _RESERVED_TYPES
        )
        self.literals: dict[tuple[Scalar, ...], str] = {}
        for name, schema in api.schemas.items():
            values = _values(schema.type) if isinstance(schema, AliasSchema) else None
            if values is not None and values not in self.literals:
                self.literals[values] = self.class_names[name]

    def expr(self, t: TypeRef, imports: _Imports, prefix: str = "", hint: str = "") -> str:
        if t.kind == "union":
            parts = [self.expr(m, imports, prefix, hint) for m in t.members if m.kind != "null"]
            return " | ".join(dict.fromkeys([*parts, *(["None"] if t.nullable else [])]))
        if t.kind == "literal":
            return self.literal(t, imports, prefix, hint)
        if t.kind == "string":
            found = _STRING_FORMATS.get(t.format or "")
            if found is None:
                return "str"
            imports.add(found[1], found[0])
            return found[0]
        if t.kind in ("integer", "number", "boolean", "null"):
            return {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}[t.kind]
        if t.kind == "array" and t.item is not None:
            return f"list[{self.expr(t.item, imports, prefix, hint)}]"
        if t.kind == "map" and t.item is not None:
            return f"dict[str, {self.expr(t.item, imports, prefix, hint)}]"
        if t.kind == "ref" and t.ref is not None:
            return prefix + self.class_names[t.ref]
        imports.add("typing", "Any")
        return "Any"

    def literal(self, t: TypeRef, imports: _Imports, prefix: str, hint: str) -> str:
        values = tuple(v for v in t.values if v is not None)
        tail = " | None" if None in t.values else ""
        if any(isinstance(v, float) for v in values):
            # Literal cannot hold floats: say what kinds of values are allowed instead.
            return " | ".join(sorted({type(v).__name__ for v in values})) + tail
        if len(values) == 1 or not hint:
            imports.add("typing", "Literal")
            return f"Literal[{', '.join(_value(v) for v in values)}]{tail}"
        if values not in self.literals:
            taken = {*self.class_names.values(), *self.literals.values(), *_RESERVED_TYPES}
            self.literals[values] = unique(type_name(hint), taken, "")
        return prefix + self.literals[values] + tail

    def literal_aliases(self, imports: _Imports) -> dict[str, str]:
        """``name → statement`` of every Literal alias handed out so far."""
        if self.literals:
            imports.add("typing", "Literal")
            imports.add("typing", "TypeAlias")
        return {
            name: block(
                Group(f"{name}: TypeAlias = Literal", "[", tuple(_value(v) for v in values), "]")
            )
            for values, name in self.literals.items()
        }


def _values(t: TypeRef) -> tuple[Scalar, ...] | None:
    """The values of an enumeration that can be a ``Literal`` alias of its own, else None."""
    if t.kind != "literal" or len(t.values) < 2 or None in t.values:
        return None
    return None if any(isinstance(v, float) for v in t.values) else t.values


def _value(value: Any) -> str:
    return py_str(value) if isinstance(value, str) else repr(value)


def _default(
    t: TypeRef, value: Any, imports: _Imports, resolve: Callable[[str], TypeRef | None]
) -> str | None:
    """``value`` (a JSON default) as a Python expression of type ``t``, or None if it is not one
    (then the field defaults to None). ``resolve`` gives the type a named alias stands for."""
    if value is None:
        return "None" if t.nullable else None
    for kind in t.members if t.kind == "union" else (t,):
        found = _default_of(kind, value, imports, resolve)
        if found is not None:
            return found
    return None


def _default_of(
    kind: TypeRef, value: Any, imports: _Imports, resolve: Callable[[str], TypeRef | None]
) -> str | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind.kind == "literal":
        matches = any(type(v) is type(value) and v == value for v in kind.values)
        return _value(value) if matches else None
    if kind.kind == "string" and (isinstance(value, str) or number):
        if kind.format:
            return _formatted(kind.format, value, imports)
        return py_str(value) if isinstance(value, str) else None
    if kind.kind == "boolean" and isinstance(value, bool):
        return repr(value)
    if kind.kind == "integer" and number and float(value).is_integer():
        return repr(int(value))
    if kind.kind == "number" and number:
        return repr(float(value))
    if kind.kind == "ref" and kind.ref is not None:
        target = resolve(kind.ref)
        return _default(target, value, imports, resolve) if target is not None else None
    if kind.kind == "array" and isinstance(value, list) and kind.item is not None:
        items = [_default(kind.item, v, imports, resolve) for v in value]
        return None if None in items else f"[{', '.join(str(i) for i in items)}]"
    if kind.kind == "map" and isinstance(value, dict) and kind.item is not None:
        pairs = [(py_str(k), _default(kind.item, v, imports, resolve)) for k, v in value.items()]
        if any(v is None for _, v in pairs):
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
    return None


def _formatted(fmt: str, value: str | int | float, imports: _Imports) -> str | None:
    """A default of a formatted string type (``Decimal("0")``, ``date.fromisoformat(…)``)."""
    text = str(value)
    try:
        if fmt == "decimal":
            Decimal(text)
            imports.add("decimal", "Decimal")
            return f"Decimal({py_str(text)})"
        if fmt == "date":
            date.fromisoformat(text)
        elif fmt == "date-time":
            datetime.fromisoformat(text)
        elif fmt == "time":
            time.fromisoformat(text)
        else:
            # Other formats are plain strings; a fixed uuid as a default tells a client nothing.
            return None if fmt == "uuid" else py_str(text)
    except (ValueError, InvalidOperation):
        return None
    name = {"date": "date", "date-time": "datetime", "time": "time"}[fmt]
    imports.add("datetime", name)
    return f"{name}.fromisoformat({py_str(text)})"


def _attribute(name: str) -> str:
    """A field attribute for property ``name``: usable in Python and not shadowing pydantic."""
    base = name if name.isidentifier() and name.isascii() else snake(name) or "field"
    if base[:1].isdigit():
        base = f"field_{base}"
    base = base.lstrip("_") or "field"
    if keyword.iskeyword(base) or base in _MODEL_ATTRS or base.startswith("model_"):
        base += "_"
    return base


class PythonRenderer:
    def __init__(self, api: Api, package: str) -> None:
        self.api = api
        self.package = package
        self.types = PythonTypes(api)
        self.adapters: dict[str, str] = {}

    # -- models.py -------------------------------------------------------------------------------

    def models_module(self) -> str:
        """models.py; render it after ``client_module``, which may name more enumerations."""
        imports = _Imports()
        classes = []
        aliases: dict[str, str] = {}
        for schema_name, schema in self.api.schemas.items():
            name = self.types.class_names[schema_name]
            if isinstance(schema, ObjectSchema):
                classes.append(self._model(name, schema, imports))
            elif (values := _values(schema.type)) is None or self.types.literals[values] != name:
                kind = self.types.expr(schema.type, imports, hint=f"{name}Value")
                aliases[name] = self._described(block(f"{name}: TypeAlias = {kind}"), schema)
                imports.add("typing", "TypeAlias")
        named = {self.types.class_names[k]: s for k, s in self.api.schemas.items()}
        for name, statement in self.types.literal_aliases(imports).items():
            aliases[name] = self._described(statement, named.get(name))
        if classes:
            imports.add("pydantic", "BaseModel")
            imports.add("pydantic", "ConfigDict")
        return render(
            "client/python/models.py.j2",
            doc=docstring(
                f"Models of {self._title()}: a class per object schema, an alias per other "
                "named schema and per enumeration.\n\n"
                "Generated by `m codegen client`; regenerate instead of editing.",
                "",
            ),
            imports=imports.lines(),
            classes=sorted(classes, key=lambda c: str(c["name"])),
            aliases=[aliases[name] for name in sorted(aliases)],
        )

    @staticmethod
    def _described(statement: str, schema: AliasSchema | ObjectSchema | None) -> str:
        if schema is not None and schema.description:
            return statement + "\n" + docstring(schema.description, "")
        return statement

    def _model(self, name: str, schema: ObjectSchema, imports: _Imports) -> dict[str, Any]:
        attrs = allocate(((p.name, _attribute(p.name)) for p in schema.properties), ())
        fields = [self._field(name, attrs[p.name], p, imports) for p in schema.properties]
        aliased = any(attrs[p.name] != p.name for p in schema.properties)
        config = "extra=" + py_str("allow") + (", populate_by_name=True" if aliased else "")
        return {
            "name": name,
            "doc": docstring(schema.description, INDENT) if schema.description else "",
            "config": f"model_config = ConfigDict({config})",
            "fields": fields,
        }

    def _field(self, model: str, attr: str, prop: Property, imports: _Imports) -> str:
        kind = self.types.expr(prop.type, imports, hint=model + pascal(prop.name))
        alias = f"alias={py_str(prop.name)}" if attr != prop.name else None
        value: Code | None = None
        if not prop.required:
            default = None
            if prop.default is not NO_DEFAULT:
                default = _default(prop.type, prop.default, imports, self._aliased)
            elif prop.type.kind in ("array", "map"):
                default = "[]" if prop.type.kind == "array" else "{}"  # absent means empty
            if default is None:
                default = "None"
                if not prop.type.nullable and kind != "Any":
                    kind = f"{kind} | None"
            if default in ("[]", "{}"):
                factory = "list" if default == "[]" else "dict"
                value = self._field_call(f"default_factory={factory}", alias, imports)
            elif alias:
                value = self._field_call(f"default={default}", alias, imports)
            else:
                value = default
        elif alias:
            value = self._field_call(None, alias, imports)
        head = f"{attr}: {kind}"
        if isinstance(value, Group):
            text = block(value.with_head(f"{head} = "), INDENT)
        else:
            tail = f" = {value}" if value is not None else ""
            text = f"{INDENT}{head}{tail}"
            if len(text) > LIMIT:
                # What ruff does with an annotation too long for its line: parenthesise it.
                text = f"{INDENT}{attr}: (\n{INDENT * 2}{kind}\n{INDENT}){tail}"
        if prop.description:
            text += "\n" + docstring(prop.description, INDENT)
        return text

    def _aliased(self, name: str) -> TypeRef | None:
        schema = self.api.schemas.get(name)
        return schema.type if isinstance(schema, AliasSchema) else None

    def _field_call(self, first: str | None, alias: str | None, imports: _Imports) -> Group:
        imports.add("pydantic", "Field")
        return Group("Field", "(", tuple(a for a in (first, alias) if a), ")")

    # -- client.py --------------------------------------------------------------------------------

    def _title(self) -> str:
        return f"{self.api.title} {self.api.version}".strip()

    def _adapter(self, expr: str) -> str:
        """The module-level ``TypeAdapter`` of ``expr`` (one per distinct type)."""
        if expr not in self.adapters:
            wanted = "_" + (snake(expr.replace("models.", "")).upper() or "ANY")
            self.adapters[expr] = unique(wanted, set(self.adapters.values()), "_")
        return self.adapters[expr]

    def client_module(self) -> str:
        imports = _Imports()
        names = allocate(
            ((op.id, snake(op.id) or "call") for op in self.api.operations),
            _CLIENT_MEMBERS | set(keyword.kwlist),
        )
        imports.modules.update({"json", "httpx"})
        for module, name in _CLIENT_IMPORTS:
            imports.add(module, name)
        calls = [self._operation(op, names[op.id], imports) for op in self.api.operations]
        adapters = [
            block(Group(f"{name}: TypeAdapter[{expr}] = TypeAdapter", "(", (expr,), ")"))
            for expr, name in sorted(self.adapters.items(), key=lambda item: item[1])
        ]
        variants = [
            {
                "name": "Client",
                "summary": "Calls the API over an ``httpx.Client``, one method per operation.",
                "context": "a context manager",
                "http": "Client",
                "def": "def",
                "await": "",
                "close": "close",
                "enter": "enter",
                "exit": "exit",
                "methods": [call.method(is_async=False) for call in calls],
            },
            {
                "name": "AsyncClient",
                "summary": "Calls the API over an ``httpx.AsyncClient``: ``Client``, awaitable.",
                "context": "an async context manager",
                "http": "AsyncClient",
                "def": "async def",
                "await": "await ",
                "close": "aclose",
                "enter": "aenter",
                "exit": "aexit",
                "methods": [call.method(is_async=True) for call in calls],
            },
        ]
        sign_in = self.api.sign_in_path
        header = self.api.api_key_header
        for variant in variants:
            send = Group(
                f"response = {variant['await']}self._send",
                "(",
                ('"POST"', py_str(sign_in or ""), "json_body=body"),
                ")",
            )
            variant["sign_in_call"] = block(send, INDENT * 2)
        return render(
            "client/python/client.py.j2",
            doc=docstring(
                f"Client of {self._title()}: ``Client`` (sync) and ``AsyncClient`` (async) over "
                "httpx, one method per operation.\n\n"
                "Generated by `m codegen client`; regenerate instead of editing.",
                "",
            ),
            imports=imports.lines(),
            adapters=adapters,
            variants=variants,
            api_key_header=py_str(header) if header else None,
            api_key_header_text=f"``{header}``" if header else "",
            sign_in=py_str(sign_in) if sign_in else None,
            sign_in_text=sign_in or "",
        )

    def init_module(self) -> str:
        return render(
            "client/python/__init__.py.j2",
            doc=docstring(
                f"Typed client of {self._title()}.\n\n"
                f"``from {self.package} import Client, models`` (``AsyncClient`` for asyncio); "
                "errors raise ``ApiError``. Needs httpx and pydantic 2.\n\n"
                "Generated by `m codegen client`; regenerate instead of editing.",
                "",
            ),
        )

    def _operation(self, op: Operation, name: str, imports: _Imports) -> _Call:
        """One operation as a method: signature, docstring, the ``_send`` call, the result."""
        path_params = sorted(
            (p for p in op.parameters if p.location == "path"),
            key=lambda p: op.path.find("{" + p.name + "}"),
        )
        others = sorted(
            (p for p in op.parameters if p.location != "path"), key=lambda p: not p.required
        )
        idents = allocate(
            (
                (f"{p.location}:{p.name}", _attribute(p.name).rstrip("_") or "value")
                for p in (*path_params, *others)
            ),
            {"self", "body", *keyword.kwlist},
        )

        def type_of(t: TypeRef, role: str) -> str:
            return self.types.expr(t, imports, "models.", pascal(op.id) + pascal(role))

        signature = ["self"]
        signature += [f"{idents['path:' + p.name]}: {type_of(p.type, p.name)}" for p in path_params]
        send: list[Code] = [py_str(op.method)]
        if path_params:
            values = tuple(f"{py_str(p.name)}: {idents['path:' + p.name]}" for p in path_params)
            send.append(Group("_path", "(", (py_str(op.path), Group("", "{", values, "}")), ")"))
        else:
            send.append(py_str(op.path))
        signature += self._body(op, type_of, send)
        if others:
            signature.append("*")
        for location, keyword_name in (("query", "params"), ("header", "headers")):
            chosen = [p for p in others if p.location == location]
            for p in chosen:
                kind = type_of(p.type, p.name)
                if p.required:
                    signature.append(f"{idents[location + ':' + p.name]}: {kind}")
                else:
                    kind = kind if p.type.nullable else f"{kind} | None"
                    signature.append(f"{idents[location + ':' + p.name]}: {kind} = None")
            if chosen:
                entries = tuple(
                    f"{py_str(p.name)}: {idents[location + ':' + p.name]}" for p in chosen
                )
                send.append(Group(f"{keyword_name}=", "{", entries, "}"))
        result = op.result
        if result.type is not None:
            returns = type_of(result.type, "result")
            parse = (
                "response.json()"
                if returns == "Any"
                else f"{self._adapter(returns)}.validate_python(response.json())"
            )
        elif result.media_type is not None:
            returns, parse = "bytes", "response.content"
        else:
            returns, parse = "None", ""
        route = f"``{op.method} {op.path}``"
        doc = [op.summary, ""] if op.summary else []
        if op.description:
            doc += [op.description, ""]
        doc += [route]
        if op.deprecated:
            doc += ["", "Deprecated."]
        return _Call(name, tuple(signature), returns, "\n".join(doc), tuple(send), parse)

    def _body(
        self, op: Operation, type_of: Callable[[TypeRef, str], str], send: list[Code]
    ) -> list[str]:
        """The body parameter (if any); adds how it is sent to ``send``."""
        body = op.body
        if body is None:
            return []
        if body.type is None:
            send += ["content=body", f"content_type={py_str(body.media_type)}"]
            return ["body: bytes" if body.required else "body: bytes | None = None"]
        kind = type_of(body.type, "body")
        adapter = self._adapter(kind)
        if body.required:
            send.append(f"json_body=_json({adapter}, body)")
            # A body that may be null defaults to it (sent as JSON null).
            parameter = f"body: {kind} = None" if body.type.nullable else f"body: {kind}"
        else:
            send.append(f"json_body=_NO_BODY if body is None else _json({adapter}, body)")
            parameter = (
                f"body: {kind} = None" if body.type.nullable else f"body: {kind} | None = None"
            )
        if body.media_type.split(";")[0].strip().lower() != "application/json":
            send.append(f"content_type={py_str(body.media_type)}")
        return [parameter]


@dataclass(frozen=True)
class _Call:
    """An operation's method, rendered for the sync or the async client."""

    name: str
    signature: tuple[str, ...]
    returns: str
    doc: str
    send: tuple[Code, ...]
    parse: str

    def method(self, *, is_async: bool) -> str:
        prefix = "async def" if is_async else "def"
        head = Group(f"{prefix} {self.name}", "(", self.signature, ")", f" -> {self.returns}:")
        call = Group(("await " if is_async else "") + "self._send", "(", self.send, ")")
        inner = INDENT * 2
        parts = [block(head, INDENT), docstring(self.doc, inner)]
        if self.parse:
            parts.append(block(call.with_head("response = "), inner))
            parts.append(f"{inner}return {self.parse}")
        else:
            parts.append(block(call, inner))
        return "\n".join(parts)
