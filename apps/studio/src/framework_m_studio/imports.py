"""Imports of generated and edited modules, sorted the way ruff's isort rule expects.

Sections: ``__future__``, the standard library, third-party (``framework_m`` included: it is a
dependency of the app, not part of it), then the app's own relative imports. Editing adds a name to an
existing ``from`` import where there is one, else a new statement at its sorted place, and removes only
names Studio itself would have added once nothing uses them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

import libcst as cst

from .render import LINE_LENGTH, Import
from .syntax import has_comment

_FUTURE = ("__future__", "annotations")


def section(module: str, first_party: frozenset[str] = frozenset()) -> int:
    """0 ``__future__``, 1 standard library, 2 third-party, 3 first-party, 4 relative."""
    if module == "__future__":
        return 0
    if module.startswith("."):
        return 4
    top = module.split(".", 1)[0]
    if top in first_party:
        return 3
    return 1 if top in sys.stdlib_module_names else 2


def _name_key(name: str) -> tuple[int, str]:
    """ruff's order-by-type: CONSTANTS, then Classes, then functions and variables."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1 if name[:1].isupper() else 2, name)


def from_import(module: str, names: Iterable[str], indent: str = "") -> str:
    ordered = sorted(set(names), key=_name_key)
    flat = f"{indent}from {module} import {', '.join(ordered)}"
    if len(flat) <= LINE_LENGTH:
        return flat
    body = "".join(f"{indent}    {n},\n" for n in ordered)
    return f"{indent}from {module} import (\n{body}{indent})"


def import_block(
    imports: Iterable[Import], *, future: bool = True, first_party: frozenset[str] = frozenset()
) -> str:
    """The import lines of a new module, one blank line between sections. A pair ``(module, "")``
    is ``import module``, written before the section's ``from`` imports."""
    by_module: dict[str, set[str]] = {}
    plain: set[str] = set()
    for module, name in [*([_FUTURE] if future else []), *imports]:
        if name:
            by_module.setdefault(module, set()).add(name)
        else:
            plain.add(module)
    sections: dict[int, list[str]] = {}
    for module in sorted(plain, key=str.lower):
        sections.setdefault(section(module, first_party), []).append(f"import {module}")
    for module in sorted(by_module, key=_module_key):
        lines = sections.setdefault(section(module, first_party), [])
        lines.append(from_import(module, by_module[module]))
    return "\n\n".join("\n".join(lines) for _, lines in sorted(sections.items()))


def _module_key(module: str) -> tuple[int, str]:
    return (section(module), module.lower())


def _import_from(statement: cst.BaseStatement) -> cst.ImportFrom | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom):
            return small
    return None


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.Import | cst.ImportFrom) for s in statement.body
    )


def module_name(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    if node.module is None:
        return dots
    return dots + cst.parse_module("").code_for_node(node.module)


def _names(node: cst.ImportFrom) -> list[str] | None:
    if isinstance(node.names, cst.ImportStar):
        return None
    names: list[str] = []
    for alias in node.names:
        if alias.asname is not None:
            names.append(cst.parse_module("").code_for_node(alias))
        else:
            names.append(cst.parse_module("").code_for_node(alias.name))
    return names


def _statement(text: str) -> cst.SimpleStatementLine:
    parsed = cst.parse_statement(text)
    assert isinstance(parsed, cst.SimpleStatementLine)
    return parsed


def _import_span(body: Sequence[cst.BaseStatement]) -> tuple[int, int]:
    """Indexes ``[start, end)`` of the leading import statements (after a module docstring)."""
    start = 0
    if body and isinstance(body[0], cst.SimpleStatementLine):
        first = body[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString):
            start = 1
    end = start
    while end < len(body) and _is_import(body[end]):
        end += 1
    return start, end


def _blank(lines: Sequence[cst.EmptyLine]) -> bool:
    return bool(lines) and all(line.comment is None for line in lines)


def ensure_imports(module: cst.Module, needed: Iterable[Import]) -> cst.Module:
    """``module`` with every ``(module, name)`` of ``needed`` imported."""
    body: list[cst.BaseStatement] = list(module.body)
    for mod, name in sorted(set(needed), key=lambda i: (_module_key(i[0]), i[1])):
        start, end = _import_span(body)
        existing = [
            (i, node) for i in range(start, end) if (node := _import_from(body[i])) is not None
        ]
        same = next(((i, n) for i, n in existing if module_name(n) == mod), None)
        if same is not None:
            index, node = same
            names = _names(node)
            if names is None or name in names:
                continue
            statement = body[index]
            assert isinstance(statement, cst.SimpleStatementLine)
            if has_comment(node):
                assert not isinstance(node.names, cst.ImportStar)
                new_names = [
                    *node.names[:-1],
                    node.names[-1].with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                    ),
                ]
                replaced = node.with_changes(names=[*new_names, cst.ImportAlias(cst.Name(name))])
                body[index] = statement.with_changes(body=[replaced])
            else:
                fresh = _statement(from_import(mod, [*names, name]))
                body[index] = fresh.with_changes(leading_lines=statement.leading_lines)
            continue
        fresh = _statement(from_import(mod, [name]))
        body = _insert(body, start, end, fresh, mod)
    return module.with_changes(body=body)


def _insert(
    body: list[cst.BaseStatement], start: int, end: int, fresh: cst.SimpleStatementLine, mod: str
) -> list[cst.BaseStatement]:
    key, sec = _module_key(mod), section(mod)
    for i in range(start, end):
        node = _import_from(body[i])
        current = body[i]
        assert isinstance(current, cst.SimpleStatementLine)
        other_section = section(module_name(node)) if node is not None else None
        if other_section is None:
            continue
        if other_section == sec and node is not None and _module_key(module_name(node)) > key:
            # Take the place (and the blank line before it, if any) of the first greater import.
            moved = current.with_changes(leading_lines=[])
            placed = fresh.with_changes(leading_lines=current.leading_lines)
            return [*body[:i], placed, moved, *body[i + 1 :]]
        if other_section > sec:
            # The first import of a later section: the new one goes just before it.
            before = _import_from(body[i - 1]) if i > start else None
            if i == start:
                placed = fresh.with_changes(leading_lines=current.leading_lines)
                return [
                    *body[:i],
                    placed,
                    current.with_changes(leading_lines=[cst.EmptyLine()]),
                    *body[i + 1 :],
                ]
            same = before is not None and section(module_name(before)) == sec
            placed = fresh.with_changes(leading_lines=[] if same else [cst.EmptyLine()])
            return [*body[:i], placed, *body[i:]]
    # After every import of this or an earlier section.
    previous = _import_from(body[end - 1]) if end > start else None
    same_section = previous is not None and section(module_name(previous)) == sec
    leading = [] if same_section or end == start else [cst.EmptyLine()]
    return [*body[:end], fresh.with_changes(leading_lines=leading), *body[end:]]


class _NameUses(cst.CSTVisitor):
    """Every ``Name`` outside import statements."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def prune_imports(module: cst.Module, candidates: Iterable[Import]) -> cst.Module:
    """Remove the ``candidates`` nothing in ``module`` uses any more (and imports left empty)."""
    uses = _NameUses()
    module.visit(uses)
    unused = {(m, n) for m, n in candidates if n not in uses.names}
    if not unused:
        return module
    body = list(module.body)
    start, end = _import_span(body)
    result: list[cst.BaseStatement] = [*body[:start]]
    carried: list[cst.EmptyLine] = []
    for i in range(start, len(body)):
        statement = body[i]
        node = _import_from(statement) if i < end else None
        if carried:
            assert isinstance(statement, cst.SimpleStatementLine | cst.BaseCompoundStatement)
            own = list(statement.leading_lines)
            comments = [line for line in carried if line.comment is not None]
            blanks = [] if _blank(own) else [line for line in carried if line.comment is None][:1]
            statement = statement.with_changes(leading_lines=[*blanks, *comments, *own])
            carried = []
        if node is None or isinstance(node.names, cst.ImportStar) or has_comment(node):
            result.append(statement)
            continue
        mod = module_name(node)
        names = _names(node) or []
        kept = [n for n in names if (mod, n) not in unused]
        if len(kept) == len(names):
            result.append(statement)
            continue
        assert isinstance(statement, cst.SimpleStatementLine)
        if kept:
            fresh = _statement(from_import(mod, kept))
            result.append(fresh.with_changes(leading_lines=statement.leading_lines))
        else:
            carried = list(statement.leading_lines)
    return module.with_changes(body=result)
