"""Placing statements in a class body with libcst, keeping the blank lines and comments around them.

libcst keeps a statement's blank lines and comments as its ``leading_lines``, and the whitespace
inside brackets verbatim. So a statement Studio renders is parsed at the depth where it lands, and a
statement that is removed, moved or inserted hands its leading lines on deliberately: the editor's
field, Meta and docstring edits all do it through these helpers, so they agree on where a comment
goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import libcst as cst

Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


def statements_of(nodes: Sequence[cst.BaseStatement]) -> list[Statement]:
    """libcst types block bodies loosely; every statement in one is one of these two."""
    return [cast(Statement, node) for node in nodes]


def block_indent(module: cst.Module, block: cst.IndentedBlock, outer: str) -> str:
    """The indentation of the statements in ``block``, which sits at ``outer``."""
    own = block.indent if block.indent is not None else module.default_indent
    return outer + own


def parse_in_block(source: str, depth: int, module: cst.Module) -> Statement:
    """Parse an indented statement in a context of ``depth`` nested classes, so whitespace inside
    its brackets (which libcst keeps verbatim) is right where it lands."""
    unit = module.default_indent
    wrapper = "".join(f"{unit * d}class _S{d}:\n" for d in range(depth))
    parsed = cst.parse_module(wrapper + source + "\n")
    node = statements_of(parsed.body)[0]
    for _ in range(depth):
        assert isinstance(node, cst.ClassDef)
        assert isinstance(node.body, cst.IndentedBlock)
        node = statements_of(node.body.body)[0]
    return node


def blank_prefix(
    lines: Sequence[cst.EmptyLine],
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """Split leading lines into the blank lines before the first comment and the rest."""
    prefix: list[cst.EmptyLine] = []
    for i, line in enumerate(lines):
        if line.comment is not None:
            return prefix, list(lines[i:])
        prefix.append(line)
    return prefix, []


def with_leading(statement: Statement, lines: Sequence[cst.EmptyLine]) -> Statement:
    return statement.with_changes(leading_lines=list(lines))


def carry(statement: Statement, carried: list[cst.EmptyLine]) -> Statement:
    """Give ``statement`` the comment lines of a removed one (a blank line only if it has none)."""
    own = list(statement.leading_lines)
    comments = [line for line in carried if line.comment is not None]
    blank_own, _ = blank_prefix(own)
    blanks = [] if blank_own else [line for line in carried if line.comment is None][:1]
    return with_leading(statement, [*blanks, *comments, *own])


def is_pass(statement: Statement) -> bool:
    """A bare ``pass`` with no comment on or above it: a placeholder Studio may drop."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Pass)
        and not any(line.comment for line in statement.leading_lines)
        and statement.trailing_whitespace.comment is None
    )


def is_field(statement: Statement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.AnnAssign)
    )
