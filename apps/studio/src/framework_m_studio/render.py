"""Schema → Python source: one field, one Meta option, laid out the way ``ruff format`` lays them out.

Both the jinja2 templates (new modules) and the libcst transforms (edits) write code through these
functions, so a field reads the same whether Studio created the file or changed one line of it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from framework_m_core.errors import ValidationError
from framework_m_core.meta import ACTIONS

from .field_types import FieldType, builtin_types
from .model import Expr, FieldModel, MetaModel, PermissionModel

LINE_LENGTH = 100
INDENT = "    "

Import = tuple[str, str]
"""``(module, name)``: ``from module import name``; a module starting with ``.`` is the app's own."""

_SCALAR_TYPES = {
    "data": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "decimal": "Decimal",
    "date": "date",
    "datetime": "datetime",
    "time": "time",
    "uuid": "UUID",
}
_SCALAR_IMPORTS: dict[str, tuple[Import, ...]] = {
    "decimal": (("decimal", "Decimal"),),
    "date": (("datetime", "date"),),
    "datetime": (("datetime", "datetime"),),
    "time": (("datetime", "time"),),
    "uuid": (("uuid", "UUID"),),
}
CONSTRAINT_KEYWORDS = (
    "min_length",
    "max_length",
    "pattern",
    "gt",
    "ge",
    "lt",
    "le",
    "max_digits",
    "decimal_places",
)
MANAGED_KEYWORDS = frozenset({"default", "default_factory", "title", "description"}) | frozenset(
    CONSTRAINT_KEYWORDS
)
"""``Field(...)`` keywords Studio owns; any other keyword is the developer's and is kept as written."""


@dataclass(frozen=True)
class Catalog:
    """Field types by key, and where each child DocType lives (``Child`` → ``.child_module``)."""

    types: dict[str, FieldType]
    child_modules: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, types: Iterable[FieldType] | None = None, **child_modules: str) -> Catalog:
        return cls({t.key: t for t in (builtin_types() if types is None else types)}, child_modules)

    def by_annotation(self) -> dict[str, FieldType]:
        """Registered (non built-in) types by the name written in annotations."""
        return {t.annotation: t for t in self.types.values() if t.source != "framework"}


def py_str(value: str) -> str:
    """A double-quoted Python string literal, as ruff format writes it."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def py_number(value: int | float) -> str:
    if isinstance(value, bool):
        raise TypeError("a bool is not a number here")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("numbers must be finite")
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return str(value)


@dataclass
class Rendered:
    """A piece of source and the imports it needs."""

    source: str
    imports: set[Import] = field(default_factory=set)


def annotation(f: FieldModel, catalog: Catalog, extras: Sequence[str] = ()) -> Rendered:
    """The annotation of ``f``; ``extras`` are ``Annotated`` metadata the developer wrote."""
    imports: set[Import] = set()
    if f.type == "python":
        if not f.annotation:
            raise ValidationError(f"field {f.name!r}: a python-typed field needs its annotation")
        return Rendered(f.annotation, imports)
    if f.type in _SCALAR_TYPES:
        base = _SCALAR_TYPES[f.type]
        imports.update(_SCALAR_IMPORTS.get(f.type, ()))
    elif f.type == "select":
        base = f"Literal[{', '.join(py_str(o) for o in f.options)}]"
        imports.add(("typing", "Literal"))
    elif f.type == "link":
        base = "UUID"
        imports.add(("uuid", "UUID"))
    elif f.type == "table":
        assert f.child is not None
        base = f"list[{f.child}]"
        module = catalog.child_modules.get(f.child)
        if module is not None:
            imports.add((module, f.child))
    elif f.type == "json":
        base = "dict[str, Any]"
        imports.add(("typing", "Any"))
    elif f.type in catalog.types:
        registered = catalog.types[f.type]
        base = registered.annotation
        imports.update(registered.imports)
    else:
        raise ValidationError(f"field {f.name!r}: unknown field type {f.type!r}")
    if f.nullable:
        if f.type == "table":
            raise ValidationError(f"field {f.name!r}: a table cannot be None; leave it empty")
        base = f"{base} | None"
    metadata: list[str] = []
    if f.type == "link":
        metadata.append(f"Link({py_str(f.link or '')})")
        imports.add(("framework_m", "Link"))
    if f.fetch_from is not None:
        metadata.append(f"FetchFrom({py_str(f.fetch_from)})")
        imports.add(("framework_m", "FetchFrom"))
    metadata.extend(extras)
    if metadata:
        imports.add(("typing", "Annotated"))
        return Rendered(f"Annotated[{base}, {', '.join(metadata)}]", imports)
    return Rendered(base, imports)


def default_value(f: FieldModel) -> Rendered | None:
    """The default as source, ``None`` when the field has none (it is required)."""
    if not f.has_default or f.default_factory is not None:
        return None
    value = f.default
    if isinstance(value, Expr):
        return Rendered(value.source)
    if value is None:
        if f.nullable:
            return Rendered("None")
        return None  # a table's or JSON field's empty value: a default_factory
    if isinstance(value, bool):
        return Rendered("True" if value else "False")
    if isinstance(value, int | float):
        if f.type == "decimal":
            return Rendered(f"Decimal({py_str(str(value))})", {("decimal", "Decimal")})
        return Rendered(py_number(value))
    if f.type == "decimal":
        return Rendered(f"Decimal({py_str(value)})", {("decimal", "Decimal")})
    return Rendered(py_str(value))


def _factory(f: FieldModel) -> str | None:
    if not f.has_default:
        return None
    if f.default_factory is not None:
        return f.default_factory.source
    if f.default is None and not f.nullable:
        return "list" if f.type == "table" else "dict"
    return None


def field_arguments(f: FieldModel) -> tuple[list[str], set[Import]]:
    """The managed ``Field(...)`` keywords of ``f``, in Studio's order, as ``name=value`` sources."""
    args: list[str] = []
    imports: set[Import] = set()
    default = default_value(f)
    factory = _factory(f)
    if default is not None:
        args.append(f"default={default.source}")
        imports |= default.imports
    elif factory is not None:
        args.append(f"default_factory={factory}")
    for key, value in f.constraints.items():
        if isinstance(value, str):
            args.append(f"{key}={py_str(value)}")
        else:
            assert isinstance(value, int | float)
            args.append(f"{key}={py_number(value)}")
    if f.label is not None:
        args.append(f"title={py_str(f.label)}")
    if f.description is not None:
        args.append(f"description={py_str(f.description)}")
    return args, imports


def field_statement(
    f: FieldModel,
    catalog: Catalog,
    *,
    indent: str = INDENT,
    extra_metadata: Sequence[str] = (),
    extra_keywords: Sequence[str] = (),
) -> Rendered:
    """``name: Annotation = value`` at ``indent``; a plain default when no ``Field(...)`` is needed.

    ``extra_metadata``/``extra_keywords`` are the developer's own ``Annotated`` items and ``Field``
    keywords (as source), kept after Studio's."""
    ann = annotation(f, catalog, extra_metadata)
    args, imports = field_arguments(f)
    imports |= ann.imports
    head = f"{f.name}: {ann.source}"
    only_default = len(args) == 1 and args[0].startswith("default=") and not extra_keywords
    if only_default:
        return Rendered(f"{indent}{head} = {args[0].removeprefix('default=')}", imports)
    if not args and not extra_keywords:
        return Rendered(f"{indent}{head}", imports)
    imports.add(("pydantic", "Field"))
    return Rendered(call(f"{indent}{head} = Field", [*args, *extra_keywords], indent), imports)


def call(prefix: str, args: Sequence[str], indent: str) -> str:
    """``prefix(args…)`` as ruff format writes it: on one line, else the arguments on one indented
    line, else one per line with a trailing comma."""
    flat = f"{prefix}({', '.join(args)})"
    if len(flat) <= LINE_LENGTH and "\n" not in flat:
        return flat
    inner = indent + INDENT
    hugged = f"{inner}{', '.join(args)}"
    if len(hugged) <= LINE_LENGTH and "\n" not in hugged and len(f"{prefix}(") <= LINE_LENGTH:
        return f"{prefix}(\n{hugged}\n{indent})"
    lines = "".join(f"{inner}{arg},\n" for arg in args)
    return f"{prefix}(\n{lines}{indent})"


def _str_tuple(values: Sequence[str]) -> str:
    if len(values) == 1:
        return f"({py_str(values[0])},)"
    return f"({', '.join(py_str(v) for v in values)})"


def permission_arguments(rule: PermissionModel) -> list[str]:
    role = rule.role.source if isinstance(rule.role, Expr) else py_str(rule.role)
    actions = ", ".join(py_str(a) for a in sorted(rule.actions, key=ACTIONS.index))
    args = [f"role={role}"]
    if rule.rows != "all":
        args.append(f"rows={py_str(rule.rows)}")
    args.append(f"actions=frozenset({{{actions}}})")
    return args


def permission(rule: PermissionModel) -> str:
    return f"PermissionRule({', '.join(permission_arguments(rule))})"


META_ORDER = (
    "api_resource",
    "naming",
    "is_submittable",
    "track_changes",
    "title_field",
    "search_fields",
    "indexes",
    "unique_together",
    "label",
    "description",
    "permissions",
)


def meta_value(meta: MetaModel, option: str) -> Rendered | None:
    """The source of one Meta option, ``None`` when it has its default (and is left out)."""
    value = getattr(meta, option)
    if option in ("api_resource", "is_submittable", "track_changes"):
        return Rendered("True") if value else None
    if option in ("naming", "title_field", "label", "description"):
        return None if value is None else Rendered(py_str(value))
    if option == "search_fields":
        return Rendered(_str_tuple(value)) if value else None
    if option in ("indexes", "unique_together"):
        if not value:
            return None
        return Rendered(f"[{', '.join(_str_tuple(group) for group in value)}]")
    if option == "permissions":
        if isinstance(value, Expr):
            return Rendered(value.source)
        if not value:
            return None
        return Rendered(
            "[" + ", ".join(permission(r) for r in value) + "]",
            {("framework_m", "PermissionRule")},
        )
    raise KeyError(option)


def meta_statement(meta: MetaModel, option: str, indent: str) -> Rendered | None:
    """``option = value`` at ``indent``; a permissions list is one rule per line when long."""
    value = (
        Rendered(meta.other[option].source) if option in meta.other else meta_value(meta, option)
    )
    if value is None:
        return None
    text = f"{indent}{option} = {value.source}"
    if (
        option == "permissions"
        and option not in meta.other
        and isinstance(meta.permissions, list)
        and len(text) > LINE_LENGTH
    ):
        inner = indent + INDENT
        rules = "".join(
            call(inner + "PermissionRule", permission_arguments(r), inner) + ",\n"
            for r in meta.permissions
        )
        text = f"{indent}{option} = [\n{rules}{indent}]"
    return Rendered(text, value.imports)


def meta_block(meta: MetaModel, indent: str) -> Rendered | None:
    """``class Meta:`` with every non-default option, or ``None`` when all are defaults."""
    lines: list[str] = []
    imports: set[Import] = set()
    inner = indent + INDENT
    for option in [*META_ORDER, *meta.other]:
        rendered = meta_statement(meta, option, inner)
        if rendered is not None:
            lines.append(rendered.source)
            imports |= rendered.imports
    if not lines:
        return None
    return Rendered(f"{indent}class Meta:\n" + "\n".join(lines), imports)
