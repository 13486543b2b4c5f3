"""Keep an app's ``App(...)`` declaration in step with its DocTypes.

A new top-level DocType is useless until the app lists it: Studio adds the import, the class to
``doctypes=[…]`` and its controller to ``controllers={…}``; deleting reverses that. Only those
arguments change; the rest of the module is kept as written.
"""

from __future__ import annotations

import libcst as cst

from framework_m_core.errors import ValidationError

from .imports import ensure_imports, prune_imports
from .syntax import code


def _app_call(module: cst.Module, attr: str) -> cst.Call:
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (
                isinstance(small, cst.Assign | cst.AnnAssign)
                and isinstance(small.value, cst.Call)
                and code(small.value.func) in ("App", "framework_m.App")
                and any(
                    isinstance(t.target, cst.Name) and t.target.value == attr
                    for t in (small.targets if isinstance(small, cst.Assign) else [small])
                )
            ):
                return small.value
    raise ValidationError(f"the app module declares no `{attr} = App(...)` Studio can edit")


def _argument(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


class _Replace(cst.CSTTransformer):
    def __init__(self, old: cst.Call, new: cst.Call) -> None:
        self.old, self.new = old, new

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return self.new if original is self.old else updated


def _with_arg(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    existing = _argument(call, name)
    if existing is not None:
        args = [a.with_changes(value=value) if a is existing else a for a in call.args]
        return call.with_changes(args=args)
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if args:
        last = args[-1]
        comma = (
            last.comma
            if isinstance(last.comma, cst.Comma)
            else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        args[-1] = last.with_changes(comma=comma)
        # Keep the call's layout: a trailing comma on the new last argument if the old one had one.
        new_arg = new_arg.with_changes(
            comma=last.comma if isinstance(last.comma, cst.Comma) else cst.MaybeSentinel.DEFAULT
        )
    return call.with_changes(args=[*args, new_arg])


def _without_arg(call: cst.Call, name: str) -> cst.Call:
    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value == name)]
    if args and len(args) < len(call.args):
        last = call.args[-1].comma  # the old last argument's comma (or none) ends the list
        args[-1] = args[-1].with_changes(comma=last)
    return call.with_changes(args=args)


def _list_with(node: cst.BaseExpression | None, item: str) -> cst.BaseExpression:
    names = _list_items(node)
    if item in names:
        assert node is not None
        return node
    return cst.parse_expression("[" + ", ".join([*names, item]) + "]")


def _list_items(node: cst.BaseExpression | None) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, cst.List | cst.Tuple):
        raise ValidationError("the app's doctypes=… is not a literal list Studio can edit")
    return [code(e.value) for e in node.elements]


def _dict_items(node: cst.BaseExpression | None) -> list[tuple[str, str]]:
    if node is None:
        return []
    if not isinstance(node, cst.Dict):
        raise ValidationError("the app's controllers=… is not a literal dict Studio can edit")
    items: list[tuple[str, str]] = []
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            raise ValidationError("the app's controllers=… unpacks another dict; edit it by hand")
        items.append((code(element.key), code(element.value)))
    return items


def _dict_source(items: list[tuple[str, str]]) -> cst.BaseExpression:
    return cst.parse_expression("{" + ", ".join(f"{k}: {v}" for k, v in items) + "}")


def register(source: str, attr: str, doctype: str, module: str, controller: bool) -> str:
    """``source`` (the app module) with ``doctype`` imported from ``module`` and registered."""
    tree = cst.parse_module(source)
    call = _app_call(tree, attr)
    new = call
    doctypes = _argument(new, "doctypes")
    new = _with_arg(new, "doctypes", _list_with(doctypes.value if doctypes else None, doctype))
    imports = {(module, doctype)}
    if controller:
        controllers = _argument(new, "controllers")
        items = _dict_items(controllers.value if controllers else None)
        key = f'"{doctype}"'
        if all(k.strip("'\"") != doctype for k, _ in items):
            items.append((key, f"{doctype}Controller"))
            new = _with_arg(new, "controllers", _dict_source(items))
        imports.add((module, f"{doctype}Controller"))
    tree = tree.visit(_Replace(call, new))
    return ensure_imports(tree, imports).code


def unregister(source: str, attr: str, doctype: str, module: str) -> str:
    """``source`` without ``doctype`` (and its controller) in the app's declaration and imports."""
    tree = cst.parse_module(source)
    call = _app_call(tree, attr)
    new = call
    doctypes = _argument(new, "doctypes")
    if doctypes is not None:
        names = [n for n in _list_items(doctypes.value) if n != doctype]
        new = _with_arg(new, "doctypes", cst.parse_expression("[" + ", ".join(names) + "]"))
    controllers = _argument(new, "controllers")
    if controllers is not None:
        items = [(k, v) for k, v in _dict_items(controllers.value) if k.strip("'\"") != doctype]
        if items:
            new = _with_arg(new, "controllers", _dict_source(items))
        else:  # App's default is no controllers: say nothing rather than controllers={}
            new = _without_arg(new, "controllers")
    tree = tree.visit(_Replace(call, new))
    return prune_imports(tree, {(module, doctype), (module, f"{doctype}Controller")}).code
