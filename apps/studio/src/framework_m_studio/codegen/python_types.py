"""Python type expressions, default values and imports for the generated client.

``PythonTypes`` turns an ``Api``'s TypeRefs into annotations (enumerations become named ``Literal``
aliases); ``default_expression`` turns a JSON default into a Python expression of the right type;
``Imports`` collects what a module needs in the order isort writes it.
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

from .api import AliasSchema, Api, Scalar, TypeRef
from .layout import Group, block, py_str
from .names import allocate, snake, type_name, unique

# Names models.py imports (a schema called Decimal must not hide decimal.Decimal).
_MODEL_IMPORTS = frozenset(
    {"Any", "BaseModel", "ConfigDict", "Decimal", "Field", "Literal", "TypeAlias", "UUID"}
    | {"annotations", "date", "datetime", "time"}
)
RESERVED_TYPES = _MODEL_IMPORTS | set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins))
_MODEL_ATTRS = frozenset(dir(BaseModel))
_STRING_FORMATS = {
    "date": ("date", "datetime"),
    "date-time": ("datetime", "datetime"),
    "time": ("time", "datetime"),
    "uuid": ("UUID", "uuid"),
    "decimal": ("Decimal", "decimal"),
}


@dataclass
class Imports:
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
            ((name, type_name(name)) for name in api.schemas), RESERVED_TYPES
        )
        self.literals: dict[tuple[Scalar, ...], str] = {}
        for name, schema in api.schemas.items():
            values = enumeration(schema.type) if isinstance(schema, AliasSchema) else None
            if values is not None and values not in self.literals:
                self.literals[values] = self.class_names[name]

    def expr(self, t: TypeRef, imports: Imports, prefix: str = "", hint: str = "") -> str:
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

    def literal(self, t: TypeRef, imports: Imports, prefix: str, hint: str) -> str:
        values = tuple(v for v in t.values if v is not None)
        tail = " | None" if None in t.values else ""
        if any(isinstance(v, float) for v in values):
            # Literal cannot hold floats: say what kinds of values are allowed instead.
            return " | ".join(sorted({type(v).__name__ for v in values})) + tail
        if len(values) == 1 or not hint:
            imports.add("typing", "Literal")
            return f"Literal[{', '.join(literal_value(v) for v in values)}]{tail}"
        if values not in self.literals:
            taken = {*self.class_names.values(), *self.literals.values(), *RESERVED_TYPES}
            self.literals[values] = unique(type_name(hint), taken, "")
        return prefix + self.literals[values] + tail

    def literal_aliases(self, imports: Imports) -> dict[str, str]:
        """``name → statement`` of every Literal alias handed out so far."""
        if self.literals:
            imports.add("typing", "Literal")
            imports.add("typing", "TypeAlias")
        return {
            name: block(
                Group(
                    f"{name}: TypeAlias = Literal",
                    "[",
                    tuple(literal_value(v) for v in values),
                    "]",
                )
            )
            for values, name in self.literals.items()
        }


def enumeration(t: TypeRef) -> tuple[Scalar, ...] | None:
    """The values of an enumeration that can be a ``Literal`` alias of its own, else None."""
    if t.kind != "literal" or len(t.values) < 2 or None in t.values:
        return None
    return None if any(isinstance(v, float) for v in t.values) else t.values


def literal_value(value: Any) -> str:
    return py_str(value) if isinstance(value, str) else repr(value)


def default_expression(
    t: TypeRef, value: Any, imports: Imports, resolve: Callable[[str], TypeRef | None]
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
    kind: TypeRef, value: Any, imports: Imports, resolve: Callable[[str], TypeRef | None]
) -> str | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind.kind == "literal":
        matches = any(type(v) is type(value) and v == value for v in kind.values)
        return literal_value(value) if matches else None
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
        return default_expression(target, value, imports, resolve) if target is not None else None
    if kind.kind == "array" and isinstance(value, list) and kind.item is not None:
        items = [default_expression(kind.item, v, imports, resolve) for v in value]
        return None if None in items else f"[{', '.join(str(i) for i in items)}]"
    if kind.kind == "map" and isinstance(value, dict) and kind.item is not None:
        pairs = [
            (py_str(k), default_expression(kind.item, v, imports, resolve))
            for k, v in value.items()
        ]
        if any(v is None for _, v in pairs):
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
    return None


def _formatted(fmt: str, value: str | int | float, imports: Imports) -> str | None:
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


def attribute_name(name: str) -> str:
    """A field attribute for property ``name``: usable in Python and not shadowing pydantic."""
    base = name if name.isidentifier() and name.isascii() else snake(name) or "field"
    if base[:1].isdigit():
        base = f"field_{base}"
    base = base.lstrip("_") or "field"
    if keyword.iskeyword(base) or base in _MODEL_ATTRS or base.startswith("model_"):
        base += "_"
    return base
