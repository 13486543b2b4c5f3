"""What Studio reads off a libcst node without any schema in mind: its source, a literal's value, a
dotted name, a docstring, whether a comment sits inside.

The parser, the editor, the import keeper and the app registration all look at nodes this way; one
reading keeps them agreeing on, say, what counts as a string or as a dotted name. Nothing here
imports or executes the code it reads.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Sequence

import libcst as cst

_EMPTY = cst.parse_module("")


def code(node: cst.CSTNode) -> str:
    """The source of ``node`` as written."""
    return _EMPTY.code_for_node(node)


def literal_value(node: cst.BaseExpression) -> object:
    """The value of a literal expression; raises ValueError for anything else."""
    return ast.literal_eval(code(node))


def string_value(node: cst.BaseExpression) -> str | None:
    """The text of a string literal (implicitly concatenated too); ``None`` for anything else."""
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = literal_value(node)
        if isinstance(value, str):
            return value
    return None


def number_value(node: cst.BaseExpression) -> int | float | None:
    """The value of an int or float literal (``True`` is not a number here); ``None`` otherwise."""
    try:
        value = literal_value(node)
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a name or attribute chain; ``None`` for any other expression."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def subscript_items(node: cst.Subscript) -> list[cst.BaseExpression]:
    """The expressions between the brackets; raises ValueError for a slice (``x[1:2]``)."""
    items: list[cst.BaseExpression] = []
    for element in node.slice:
        if not isinstance(element.slice, cst.Index):
            raise ValueError("a slice is not a type")
        items.append(element.slice.value)
    return items


def base_names(cls: cst.ClassDef) -> list[str]:
    """The base classes as written, subscripts dropped (``Controller[Invoice]`` → ``Controller``)."""
    names: list[str] = []
    for arg in cls.bases:
        value = arg.value
        if isinstance(value, cst.Subscript):
            value = value.value
        name = dotted_name(value)
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
