"""Python → schema for one field: its annotation read as a field type, its right-hand side as a
default, label, description and constraints.

A field is the most varied statement a developer writes (``Annotated`` metadata, ``Optional``,
``Field(...)`` keywords Studio has never heard of), so its reading lives apart from the class around
it. The editor reads a field the same way to carry over what Studio does not model:
``TypeInfo.extras`` and ``ValueInfo.extras`` are the developer's own metadata and keywords, kept as
source.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst
import pydantic

from framework_m_core.errors import ValidationError

from .model import Expr, FieldModel
from .render import CONSTRAINT_KEYWORDS, Catalog
from .syntax import code, dotted_name, number_value, string_value, subscript_items

_SCALARS = {
    "str": "data",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "Decimal": "decimal",
    "date": "date",
    "datetime": "datetime",
    "time": "time",
    "UUID": "uuid",
}
_QUALIFIED = {
    "decimal.Decimal": "decimal",
    "datetime.date": "date",
    "dt.date": "date",
    "datetime.datetime": "datetime",
    "dt.datetime": "datetime",
    "datetime.time": "time",
    "dt.time": "time",
    "uuid.UUID": "uuid",
}


@dataclass
class FieldNode:
    """A field's statement and its parts."""

    statement: cst.SimpleStatementLine
    target: str
    ann: cst.AnnAssign


def field_nodes(cls: cst.ClassDef) -> Iterator[FieldNode]:
    """The class body's annotated assignments (``ClassVar`` ones excluded)."""
    assert isinstance(cls.body, cst.IndentedBlock)
    for statement in cls.body.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            if "ClassVar" in code(small.annotation.annotation):
                continue
            yield FieldNode(statement, small.target.value, small)


@dataclass
class TypeInfo:
    type: str
    nullable: bool = False
    link: str | None = None
    child: str | None = None
    options: tuple[str, ...] = ()
    fetch_from: str | None = None
    label: str | None = None
    annotation: str | None = None
    extras: tuple[str, ...] = ()


def _strip_none(node: cst.BaseExpression) -> tuple[cst.BaseExpression, bool]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        left, right = node.left, node.right
        if isinstance(right, cst.Name) and right.value == "None":
            return left, True
        if isinstance(left, cst.Name) and left.value == "None":
            return right, True
    if isinstance(node, cst.Subscript) and dotted_name(node.value) in (
        "Optional",
        "typing.Optional",
    ):
        (inner,) = subscript_items(node)
        return inner, True
    return node, False


def _marker(node: cst.BaseExpression, name: str) -> str | None:
    """The string argument of ``Name("…")`` metadata, ``None`` when ``node`` is something else."""
    if (
        isinstance(node, cst.Call)
        and dotted_name(node.func) in (name, f"framework_m.{name}")
        and len(node.args) == 1
        and node.args[0].keyword is None
    ):
        return string_value(node.args[0].value)
    return None


def type_info(node: cst.BaseExpression, catalog: Catalog) -> TypeInfo:
    """Classify an annotation; anything unknown becomes ``type="python"`` with its source kept."""
    metadata: list[cst.BaseExpression] = []
    inner = node
    if isinstance(node, cst.Subscript) and dotted_name(node.value) in (
        "Annotated",
        "typing.Annotated",
    ):
        inner, *metadata = subscript_items(node)
    base, nullable = _strip_none(inner)
    info = _base_info(base, catalog)
    info.nullable = nullable
    extras: list[str] = []
    for item in metadata:
        link = _marker(item, "Link")
        fetch = _marker(item, "FetchFrom")
        label = _marker(item, "Label")
        if link is not None and info.type == "uuid":
            info.type, info.link = "link", link
        elif fetch is not None and info.fetch_from is None:
            info.fetch_from = fetch
        elif label is not None and info.label is None:
            info.label = label
        else:
            extras.append(code(item))
    info.extras = tuple(extras)
    if info.type == "python":
        info.annotation = code(node)
        info.nullable, info.link, info.fetch_from, info.label, info.extras = (
            False,
            None,
            None,
            None,
            (),
        )
    return info


def _base_info(node: cst.BaseExpression, catalog: Catalog) -> TypeInfo:
    name = dotted_name(node)
    if name is not None:
        if name in _SCALARS:
            return TypeInfo(_SCALARS[name])
        if name in _QUALIFIED:
            return TypeInfo(_QUALIFIED[name])
        registered = catalog.by_annotation().get(name)
        if registered is not None:
            return TypeInfo(registered.key)
        return TypeInfo("python")
    if isinstance(node, cst.Subscript):
        head = dotted_name(node.value)
        try:
            items = subscript_items(node)
        except ValueError:
            return TypeInfo("python")
        if head in ("Literal", "typing.Literal"):
            options = [string_value(item) for item in items]
            if options and all(o is not None for o in options):
                return TypeInfo("select", options=tuple(o for o in options if o is not None))
        if head == "list" and len(items) == 1 and isinstance(items[0], cst.Name):
            child = items[0].value
            if child[:1].isupper() and child not in _SCALARS and child != "Any":
                return TypeInfo("table", child=child)
        if head == "dict" and [code(i) for i in items] == ["str", "Any"]:
            return TypeInfo("json")
    return TypeInfo("python")


def _default(node: cst.BaseExpression, kind: str) -> object:
    """A default as the model holds it: a JSON scalar, a decimal's text, or ``Expr``."""
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if (
        kind == "decimal"
        and isinstance(node, cst.Call)
        and dotted_name(node.func) in ("Decimal", "decimal.Decimal")
        and len(node.args) == 1
        and node.args[0].keyword is None
    ):
        text = string_value(node.args[0].value)
        if text is not None:
            return text
    text = string_value(node)
    if text is not None and kind in ("data", "select"):
        return text
    number = number_value(node)
    if number is not None and kind in ("int", "float"):
        return number
    return Expr(source=code(node))


@dataclass
class ValueInfo:
    has_default: bool = False
    default: object = None
    default_factory: Expr | None = None
    label: str | None = None
    description: str | None = None
    constraints: dict[str, object] | None = None
    extras: tuple[str, ...] = ()
    """The developer's own ``Field`` keywords (and a positional default Studio cannot read)."""


def is_field_call(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Call) and dotted_name(node.func) in ("Field", "pydantic.Field")


def value_info(node: cst.BaseExpression | None, kind: str) -> ValueInfo:
    """Read the right-hand side of a field: nothing, a plain default or ``Field(...)``."""
    if node is None:
        return ValueInfo()
    if not is_field_call(node):
        return ValueInfo(has_default=True, default=_default(node, kind))
    assert isinstance(node, cst.Call)
    info = ValueInfo(constraints={})
    extras: list[str] = []
    for index, arg in enumerate(node.args):
        keyword = arg.keyword.value if arg.keyword is not None else None
        value = arg.value
        if keyword is None and index == 0 and not arg.star:
            if not (isinstance(value, cst.Ellipsis)):
                info.has_default, info.default = True, _default(value, kind)
            continue
        if keyword == "default":
            if not isinstance(value, cst.Ellipsis):
                info.has_default, info.default = True, _default(value, kind)
        elif keyword == "default_factory":
            info.has_default = True
            factory = code(value)
            if not (kind == "table" and factory == "list") and not (
                kind == "json" and factory == "dict"
            ):
                info.default_factory = Expr(source=factory)
        elif keyword == "title" and string_value(value) is not None:
            info.label = string_value(value)
        elif keyword == "description" and string_value(value) is not None:
            info.description = string_value(value)
        elif keyword == "pattern" and string_value(value) is not None:
            assert info.constraints is not None
            info.constraints[keyword] = string_value(value)
        elif keyword in CONSTRAINT_KEYWORDS and number_value(value) is not None:
            assert info.constraints is not None
            info.constraints[keyword] = number_value(value)
        else:
            extras.append(code(arg).rstrip().rstrip(",").strip())
    info.extras = tuple(extras)
    return info


def read_field(node: FieldNode, catalog: Catalog) -> FieldModel:
    """One field statement as a ``FieldModel``; values it cannot model fall back to ``Expr``."""
    t = type_info(node.ann.annotation.annotation, catalog)
    v = value_info(node.ann.value, t.type)
    data: dict[str, object] = {
        "name": node.target,
        "type": t.type,
        "nullable": t.nullable,
        "link": t.link,
        "child": t.child,
        "options": list(t.options),
        "fetch_from": t.fetch_from,
        "annotation": t.annotation,
        "has_default": v.has_default,
        "default": v.default,
        "default_factory": v.default_factory,
        "label": v.label if v.label is not None else t.label,
        "description": v.description,
        "constraints": v.constraints or {},
    }
    try:
        return FieldModel.model_validate(data)
    except pydantic.ValidationError:
        pass
    # What the model refuses (a default of another type, a constraint on the wrong kind…) is kept
    # as written: the type becomes the annotation's source and the default its expression.
    data["constraints"] = {}
    if v.has_default and v.default_factory is None and not isinstance(v.default, Expr):
        default_source = code(_default_node(node.ann.value))
        data["default"] = Expr(source=default_source)
    try:
        return FieldModel.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError(
            f"field {node.target!r} cannot be read: {exc.errors()[0]['msg']}"
        ) from None


def _default_node(node: cst.BaseExpression | None) -> cst.BaseExpression:
    assert node is not None
    if is_field_call(node):
        assert isinstance(node, cst.Call)
        for index, arg in enumerate(node.args):
            if (arg.keyword is None and index == 0) or (
                arg.keyword is not None and arg.keyword.value == "default"
            ):
                return arg.value
    return node
