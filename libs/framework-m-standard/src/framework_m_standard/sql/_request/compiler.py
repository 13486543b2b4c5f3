"""The query model compiled to SQL WHERE and ORDER BY text with bound parameters only.

Semantics are the core's (see ``framework_m_core.query``): negative operators match NULLs, ``like`` is
case-sensitive (SQLite runs it as GLOB), NULLs sort first ascending and last descending. Decimals are text
on SQLite, so they are compared and sorted through ``CAST(... AS REAL)`` there.

``filter_shape`` says which filters compile to the same text: a repository compiles a statement once
per shape and afterwards only pulls the values out with ``filter_values``. Both walk the filter in the
order ``where`` writes its parameters.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from framework_m_core.query import And, Condition, Filter, Or, OrderBy

from .dialects import Dialect
from .statements import Params
from .tables import Table

_ONE_VALUE = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_LISTS = frozenset({"in", "not_in"})
_PATTERNS = frozenset({"like", "not_like"})
TRUE, FALSE = "1 = 1", "1 = 0"


def filter_shape(flt: Filter | None) -> Hashable:
    """What decides the SQL text of a filter: fields, operators, nesting and whether lists are
    empty, never the values."""
    if flt is None:
        return None
    if isinstance(flt, Condition):
        return (flt.field, flt.op, bool(flt.value) if flt.op in _LISTS else None)
    return (type(flt).__name__, *(filter_shape(item) for item in flt.items))


def filter_values(flt: Filter | None) -> list[Any]:
    """The values of ``flt``, one per parameter of its compiled clause."""
    values: list[Any] = []
    _collect(flt, values)
    return values


def _collect(flt: Filter | None, out: list[Any]) -> None:
    if flt is None:
        return
    if not isinstance(flt, Condition):
        for item in flt.items:
            _collect(item, out)
        return
    op, value = flt.op, flt.value
    if op in _ONE_VALUE or op in _PATTERNS:
        out.append(value)
    elif op in _LISTS:
        if value:
            out.append(list(value))
    elif op == "between":
        out.extend(value)


def _condition(table: Table, cond: Condition, dialect: Dialect, params: Params) -> str:
    column = dialect.quote(cond.field)
    operand, codec = dialect.compared(column, table.c[cond.field].type)
    op = cond.op
    if op == "is_set":
        return f"{column} IS NOT NULL"
    if op == "is_not_set":
        return f"{column} IS NULL"
    if op == "=":
        return f"{operand} = {params.add(codec)}"
    if op in _ONE_VALUE:
        compared = f"{operand} {_ONE_VALUE[op]} {params.add(codec)}"
        return f"({compared} OR {column} IS NULL)" if op == "!=" else compared
    if op in _LISTS:
        if not cond.value:
            return FALSE if op == "in" else TRUE
        matched = dialect.in_list(operand, params.add_list(codec), negate=op == "not_in")
        return matched if op == "in" else f"({matched} OR {column} IS NULL)"
    if op in _PATTERNS:
        like = dialect.like(column, params.add(dialect.like_codec()))
        return like if op == "like" else f"(NOT ({like}) OR {column} IS NULL)"
    if op == "between":
        return f"{operand} BETWEEN {params.add(codec)} AND {params.add(codec)}"
    raise ValueError(f"unknown operator {op!r}")


def where(table: Table, flt: Filter | None, dialect: Dialect, params: Params) -> str | None:
    """The WHERE clause of ``flt``; its parameters are added to ``params`` in ``filter_values``'s
    order."""
    if flt is None:
        return None
    if isinstance(flt, Condition):
        return _condition(table, flt, dialect, params)
    parts = [p for p in (where(table, f, dialect, params) for f in flt.items) if p is not None]
    if isinstance(flt, And):
        return "(" + " AND ".join(parts) + ")" if parts else TRUE
    if isinstance(flt, Or):
        return "(" + " OR ".join(parts) + ")" if parts else FALSE
    raise TypeError(f"not a filter: {flt!r}")


def order_by(table: Table, keys: Sequence[OrderBy], dialect: Dialect) -> str:
    """ORDER BY with the core's NULL placement (see ``Dialect.nulls``); empty without keys."""
    clauses = []
    for key in keys:
        column = table.c[key.field]
        operand, _ = dialect.compared(dialect.quote(key.field), column.type)
        direction = " DESC" if key.descending else " ASC"
        clauses.append(operand + direction + dialect.nulls(key.descending, column.nullable))
    return " ORDER BY " + ", ".join(clauses) if clauses else ""
