"""Python → schema: read DocType, child DocType and controller classes from a module with libcst.

Nothing is imported or executed: a module half-way through an edit, or one whose imports are not
installed, still reads. What Studio cannot model is kept as source (``Expr``, ``type="python"``) so a
round trip never loses it.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import libcst as cst
import pydantic

from framework_m_core.controller import HOOKS
from framework_m_core.errors import ValidationError

from .model import (
    ControllerModel,
    DocTypeModel,
    Expr,
    FieldModel,
    MetaModel,
    MethodModel,
    PermissionModel,
)
from .render import CONSTRAINT_KEYWORDS, Catalog

_EMPTY = cst.parse_module("")
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
DOCTYPE_BASES = {"DocType": False, "ChildDocType": True}


def code(node: cst.CSTNode) -> str:
    """The source of ``node`` as written."""
    return _EMPTY.code_for_node(node)


def _literal(node: cst.BaseExpression) -> object:
    """The value of a literal expression; raises ValueError for anything else."""
    return ast.literal_eval(code(node))


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = _literal(node)
        if isinstance(value, str):
            return value
    return None


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def base_names(cls: cst.ClassDef) -> list[str]:
    """The base classes as written, subscripts dropped (``Controller[Invoice]`` → ``Controller``)."""
    names: list[str] = []
    for arg in cls.bases:
        value = arg.value
        if isinstance(value, cst.Subscript):
            value = value.value
        name = _dotted(value)
        if name is not None:
            names.append(name.rsplit(".", 1)[-1])
    return names


def docstring(body: Sequence[cst.BaseStatement]) -> str | None:
    if not body or not isinstance(body[0], cst.SimpleStatementLine):
        return None
    first = body[0].body[0]
    if isinstance(first, cst.Expr) and isinstance(
        first.value, cst.SimpleString | cst.ConcatenatedString
    ):
        value = first.value.evaluated_value
        if isinstance(value, str):
            return inspect.cleandoc(value)
    return None


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found = True


def has_comment(node: cst.CSTNode) -> bool:
    """Whether a comment sits anywhere inside ``node`` (``#`` in a string does not count)."""
    visitor = _Comments()
    node.visit(visitor)
    return visitor.found


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


def _subscript_items(node: cst.Subscript) -> list[cst.BaseExpression]:
    items: list[cst.BaseExpression] = []
    for element in node.slice:
        if not isinstance(element.slice, cst.Index):
            raise ValueError("a slice is not a type")
        items.append(element.slice.value)
    return items


def _strip_none(node: cst.BaseExpression) -> tuple[cst.BaseExpression, bool]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        left, right = node.left, node.right
        if isinstance(right, cst.Name) and right.value == "None":
            return left, True
        if isinstance(left, cst.Name) and left.value == "None":
            return right, True
    if isinstance(node, cst.Subscript) and _dotted(node.value) in ("Optional", "typing.Optional"):
        (inner,) = _subscript_items(node)
        return inner, True
    return node, False


def _marker(node: cst.BaseExpression, name: str) -> str | None:
    """The string argument of ``Name("…")`` metadata, ``None`` when ``node`` is something else."""
    if (
        isinstance(node, cst.Call)
        and _dotted(node.func) in (name, f"framework_m.{name}")
        and len(node.args) == 1
        and node.args[0].keyword is None
    ):
        return _string(node.args[0].value)
    return None


def type_info(node: cst.BaseExpression, catalog: Catalog) -> TypeInfo:
    """Classify an annotation; anything unknown becomes ``type="python"`` with its source kept."""
    metadata: list[cst.BaseExpression] = []
    inner = node
    if isinstance(node, cst.Subscript) and _dotted(node.value) in ("Annotated", "typing.Annotated"):
        inner, *metadata = _subscript_items(node)
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
    name = _dotted(node)
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
        head = _dotted(node.value)
        try:
            items = _subscript_items(node)
        except ValueError:
            return TypeInfo("python")
        if head in ("Literal", "typing.Literal"):
            options = [_string(item) for item in items]
            if options and all(o is not None for o in options):
                return TypeInfo("select", options=tuple(o for o in options if o is not None))
        if head == "list" and len(items) == 1 and isinstance(items[0], cst.Name):
            child = items[0].value
            if child[:1].isupper() and child not in _SCALARS and child != "Any":
                return TypeInfo("table", child=child)
        if head == "dict" and [code(i) for i in items] == ["str", "Any"]:
            return TypeInfo("json")
    return TypeInfo("python")


def _number(node: cst.BaseExpression) -> int | float | None:
    try:
        value = _literal(node)
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _default(node: cst.BaseExpression, kind: str) -> object:
    """A default as the model holds it: a JSON scalar, a decimal's text, or ``Expr``."""
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if (
        kind == "decimal"
        and isinstance(node, cst.Call)
        and _dotted(node.func) in ("Decimal", "decimal.Decimal")
        and len(node.args) == 1
        and node.args[0].keyword is None
    ):
        text = _string(node.args[0].value)
        if text is not None:
            return text
    text = _string(node)
    if text is not None and kind in ("data", "select"):
        return text
    number = _number(node)
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
    return isinstance(node, cst.Call) and _dotted(node.func) in ("Field", "pydantic.Field")


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
        elif keyword == "title" and _string(value) is not None:
            info.label = _string(value)
        elif keyword == "description" and _string(value) is not None:
            info.description = _string(value)
        elif keyword == "pattern" and _string(value) is not None:
            assert info.constraints is not None
            info.constraints[keyword] = _string(value)
        elif keyword in CONSTRAINT_KEYWORDS and _number(value) is not None:
            assert info.constraints is not None
            info.constraints[keyword] = _number(value)
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


def meta_class(cls: cst.ClassDef) -> cst.ClassDef | None:
    assert isinstance(cls.body, cst.IndentedBlock)
    for statement in cls.body.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Meta":
            return statement
    return None


def meta_assignments(
    meta: cst.ClassDef,
) -> Iterator[tuple[str, cst.SimpleStatementLine, cst.BaseExpression]]:
    """``name = value`` statements of a Meta class."""
    assert isinstance(meta.body, cst.IndentedBlock)
    for statement in meta.body.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
        ):
            yield small.targets[0].target.value, statement, small.value
        elif (
            isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value
        ):
            yield small.target.value, statement, small.value


def _strings(node: cst.BaseExpression) -> list[str] | None:
    if isinstance(node, cst.Tuple | cst.List):
        values = [_string(e.value) for e in node.elements]
        if all(v is not None for v in values):
            return [v for v in values if v is not None]
    return None


def _groups(node: cst.BaseExpression) -> list[list[str]] | None:
    if not isinstance(node, cst.Tuple | cst.List):
        return None
    groups: list[list[str]] = []
    for element in node.elements:
        single = _string(element.value)
        group = [single] if single is not None else _strings(element.value)
        if group is None:
            return None
        groups.append(group)
    return groups


def _actions(node: cst.BaseExpression) -> list[str] | None:
    if (
        isinstance(node, cst.Call)
        and _dotted(node.func) in ("frozenset", "set")
        and len(node.args) == 1
    ):
        node = node.args[0].value
    if isinstance(node, cst.Set | cst.List | cst.Tuple):
        values = [_string(e.value) for e in node.elements]
        if all(v is not None for v in values):
            return [v for v in values if v is not None]
    return None


def _permission(node: cst.BaseExpression) -> PermissionModel | None:
    if not (isinstance(node, cst.Call) and _dotted(node.func) in ("PermissionRule",)):
        return None
    fields: dict[str, object] = {}
    for arg in node.args:
        if arg.keyword is None:
            return None
        key, value = arg.keyword.value, arg.value
        if key == "role":
            role = _string(value)
            fields["role"] = role if role is not None else Expr(source=code(value))
        elif key == "actions":
            fields["actions"] = _actions(value)
        elif key == "rows":
            fields["rows"] = _string(value)
        else:
            return None
    try:
        return PermissionModel.model_validate(fields)
    except pydantic.ValidationError:
        return None


def _permissions(node: cst.BaseExpression) -> list[PermissionModel] | None:
    if isinstance(node, cst.List | cst.Tuple):
        rules = [_permission(e.value) for e in node.elements]
        if all(r is not None for r in rules):
            return [r for r in rules if r is not None]
    if isinstance(node, cst.Dict):
        shorthand: list[PermissionModel] = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return None
            role, actions = _string(element.key), _actions(element.value)
            if role is None or actions is None:
                return None
            try:
                shorthand.append(PermissionModel.model_validate({"role": role, "actions": actions}))
            except pydantic.ValidationError:
                return None
        return shorthand
    return None


def _meta_option(name: str, node: cst.BaseExpression) -> object:
    """The model value of a Meta option; ``None`` when it must stay source (goes to ``other``)."""
    if name in ("api_resource", "is_submittable", "track_changes"):
        if isinstance(node, cst.Name) and node.value in ("True", "False"):
            return node.value == "True"
        return None
    if name in ("naming", "title_field", "label", "description"):
        return _string(node)
    if name == "search_fields":
        return _strings(node)
    if name in ("indexes", "unique_together"):
        return _groups(node)
    if name == "permissions":
        rules = _permissions(node)
        return rules if rules is not None else Expr(source=code(node))
    return None


def read_meta(cls: cst.ClassDef) -> MetaModel:
    meta = meta_class(cls)
    if meta is None:
        return MetaModel()
    known: dict[str, object] = {}
    other: dict[str, Expr] = {}
    for name, _statement, value in meta_assignments(meta):
        parsed = _meta_option(name, value) if name in MetaModel.model_fields else None
        if parsed is None or name == "other":
            other[name] = Expr(source=code(value))
        else:
            known[name] = parsed
    try:
        return MetaModel.model_validate({**known, "other": other})
    except pydantic.ValidationError:
        # An option the model refuses (a naming rule it cannot parse…) stays as written.
        everything = {name: Expr(source=code(value)) for name, _s, value in meta_assignments(meta)}
        return MetaModel(other=everything)


def read_doctype(cls: cst.ClassDef, catalog: Catalog) -> DocTypeModel:
    """A DocType class as Studio's schema."""
    assert isinstance(cls.body, cst.IndentedBlock)
    is_child = "ChildDocType" in base_names(cls)
    return DocTypeModel(
        name=cls.name.value,
        is_child=is_child,
        docstring=docstring(cls.body.body),
        fields=[read_field(node, catalog) for node in field_nodes(cls)],
        meta=read_meta(cls),
    )


def read_controller(cls: cst.ClassDef) -> ControllerModel | None:
    """A ``Controller[X]`` subclass's hooks and methods; ``None`` for any other class."""
    target: str | None = None
    for arg in cls.bases:
        value = arg.value
        if isinstance(value, cst.Subscript) and _dotted(value.value) in (
            "Controller",
            "framework_m.Controller",
        ):
            items = _subscript_items(value)
            if len(items) == 1:
                target = _dotted(items[0])
    if target is None:
        return None
    assert isinstance(cls.body, cst.IndentedBlock)
    methods: list[MethodModel] = []
    for statement in cls.body.body:
        if not isinstance(statement, cst.FunctionDef):
            continue
        name = statement.name.value
        decorators = [
            _dotted(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
            for d in statement.decorators
        ]
        kind: Literal["hook", "whitelisted", "other"]
        if name in HOOKS:
            kind = "hook"
        elif any(d in ("whitelist", "framework_m.whitelist") for d in decorators):
            kind = "whitelisted"
        else:
            kind = "other"
        body = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ()
        methods.append(
            MethodModel(
                name=name,
                kind=kind,
                is_async=statement.asynchronous is not None,
                docstring=docstring(body),
            )
        )
    return ControllerModel(name=cls.name.value, doctype=target.rsplit(".", 1)[-1], methods=methods)


@dataclass
class ModuleContents:
    """What a module declares, in source order."""

    doctypes: list[DocTypeModel]
    controllers: list[ControllerModel]


def doctype_classes(module: cst.Module) -> Iterator[cst.ClassDef]:
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and set(base_names(statement)) & set(DOCTYPE_BASES):
            yield statement


def read_module(source: str, catalog: Catalog) -> ModuleContents:
    """Every top-level DocType and controller of ``source``. Raises ValidationError on bad syntax."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise ValidationError(
            f"the module does not parse: {exc.message} (line {exc.raw_line})"
        ) from None
    doctypes = [read_doctype(cls, catalog) for cls in doctype_classes(module)]
    controllers = [
        c
        for statement in module.body
        if isinstance(statement, cst.ClassDef) and (c := read_controller(statement)) is not None
    ]
    return ModuleContents(doctypes, controllers)
