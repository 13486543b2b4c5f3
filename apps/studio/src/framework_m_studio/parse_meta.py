"""Python → schema for a DocType's ``class Meta``: naming, flags, search fields, indexes, rules.

Meta options are plain assignments whose values Studio reads only when they are literals it can
model (``PermissionRule(...)`` calls and the ``{"Role": {...}}`` shorthand included). Any other
option, or a value given by a constant or a call, stays as source in ``MetaModel.other`` so a round
trip keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import pydantic

from .model import Expr, MetaModel, PermissionModel
from .syntax import code, dotted_name, string_value


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
        values = [string_value(e.value) for e in node.elements]
        if all(v is not None for v in values):
            return [v for v in values if v is not None]
    return None


def _groups(node: cst.BaseExpression) -> list[list[str]] | None:
    if not isinstance(node, cst.Tuple | cst.List):
        return None
    groups: list[list[str]] = []
    for element in node.elements:
        single = string_value(element.value)
        group = [single] if single is not None else _strings(element.value)
        if group is None:
            return None
        groups.append(group)
    return groups


def _actions(node: cst.BaseExpression) -> list[str] | None:
    if (
        isinstance(node, cst.Call)
        and dotted_name(node.func) in ("frozenset", "set")
        and len(node.args) == 1
    ):
        node = node.args[0].value
    if isinstance(node, cst.Set | cst.List | cst.Tuple):
        values = [string_value(e.value) for e in node.elements]
        if all(v is not None for v in values):
            return [v for v in values if v is not None]
    return None


def _permission(node: cst.BaseExpression) -> PermissionModel | None:
    if not (isinstance(node, cst.Call) and dotted_name(node.func) in ("PermissionRule",)):
        return None
    fields: dict[str, object] = {}
    for arg in node.args:
        if arg.keyword is None:
            return None
        key, value = arg.keyword.value, arg.value
        if key == "role":
            role = string_value(value)
            fields["role"] = role if role is not None else Expr(source=code(value))
        elif key == "actions":
            fields["actions"] = _actions(value)
        elif key == "rows":
            fields["rows"] = string_value(value)
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
            role, actions = string_value(element.key), _actions(element.value)
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
        return string_value(node)
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
