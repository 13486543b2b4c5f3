"""The query model compiled to one SQL WHERE/ORDER BY with bound parameters only.

Semantics are the core's (see ``framework_m_core.query``): negative operators match NULLs, ``like`` is
case-sensitive (SQLite runs it as GLOB), NULLs sort first ascending and last descending. Decimals are text
on SQLite, so they are compared and sorted through ``CAST(... AS REAL)`` there.

A filter compiles to a clause whose parameters are named by position (``f0``, ``f1``, ...), and
``filter_shape`` says which filters compile alike: a repository builds a statement once per shape and
afterwards only pulls the values out with ``filter_params``. Both walk the filter in the same order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from framework_m_core.query import And, Condition, Filter, Or, OrderBy

from .types import ExactDecimal

_ONE_VALUE = frozenset({"=", "!=", "<", "<=", ">", ">="})
_LISTS = frozenset({"in", "not_in"})
_PATTERNS = frozenset({"like", "not_like"})


def _operand(table: sa.Table, name: str, dialect: str) -> ColumnElement[Any]:
    column = table.c[name]
    if dialect == "sqlite" and isinstance(column.type, ExactDecimal):
        return sa.cast(column, sa.Float)
    return column


def _bind_type(operand: ColumnElement[Any]) -> Any:
    # Text columns carry their collation; the parameter must not (PostgreSQL would read "$1 COLLATE").
    return sa.String() if isinstance(operand.type, sa.String) else operand.type


def _value(value: Any, dialect: str) -> Any:
    """SQLite compares the REAL cast of a decimal column, so its operands are floats too."""
    if dialect == "sqlite" and isinstance(value, Decimal):
        return float(value)
    return value


def glob_pattern(like: str) -> str:
    """A LIKE pattern (``%``, ``_``, ``\\`` escape) as an SQLite GLOB pattern (case-sensitive)."""
    out: list[str] = []
    chars = iter(like)
    for ch in chars:
        if ch == "\\":
            ch = next(chars, "\\")
            out.append(f"[{ch}]" if ch in "*?[" else ch)
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        elif ch in "*?[":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
    return "".join(out)


def filter_shape(flt: Filter | None) -> Hashable:
    """What decides the SQL text of a filter: fields, operators, nesting and empty lists, not values."""
    if flt is None:
        return None
    if isinstance(flt, Condition):
        return (flt.field, flt.op, bool(flt.value) if flt.op in _LISTS else None)
    return (type(flt).__name__, *(filter_shape(item) for item in flt.items))


def filter_params(flt: Filter | None, dialect: str) -> dict[str, Any]:
    """The values of ``flt`` under the names its compiled clause uses."""
    values: list[Any] = []
    _collect(flt, dialect, values)
    return {f"f{i}": value for i, value in enumerate(values)}


def _collect(flt: Filter | None, dialect: str, out: list[Any]) -> None:
    if flt is None:
        return
    if not isinstance(flt, Condition):
        for item in flt.items:
            _collect(item, dialect, out)
        return
    op, value = flt.op, flt.value
    if op in _ONE_VALUE:
        out.append(_value(value, dialect))
    elif op in _LISTS:
        if value:
            out.append([_value(v, dialect) for v in value])
    elif op in _PATTERNS:
        out.append(glob_pattern(value) if dialect == "sqlite" else value)
    elif op == "between":
        out.extend(_value(v, dialect) for v in value)


class _Names:
    """Hands out parameter names in the order ``_collect`` emits values."""

    def __init__(self) -> None:
        self.count = 0

    def bind(
        self, operand: ColumnElement[Any], *, expanding: bool = False
    ) -> sa.BindParameter[Any]:
        name = f"f{self.count}"
        self.count += 1
        return sa.bindparam(name, type_=_bind_type(operand), expanding=expanding)


def _like(column: ColumnElement[Any], pattern: Any, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return column.op("GLOB", is_comparison=True)(pattern)
    return column.like(pattern, escape="\\")


def _condition(
    table: sa.Table, cond: Condition, dialect: str, names: _Names
) -> ColumnElement[bool]:
    column = table.c[cond.field]
    operand = _operand(table, cond.field, dialect)
    op = cond.op
    if op == "is_set":
        return column.is_not(None)
    if op == "is_not_set":
        return column.is_(None)
    if op == "=":
        return operand == names.bind(operand)
    if op == "!=":
        return sa.or_(operand != names.bind(operand), column.is_(None))
    if op == "<":
        return operand < names.bind(operand)
    if op == "<=":
        return operand <= names.bind(operand)
    if op == ">":
        return operand > names.bind(operand)
    if op == ">=":
        return operand >= names.bind(operand)
    if op == "in":
        return operand.in_(names.bind(operand, expanding=True)) if cond.value else sa.false()
    if op == "not_in":
        if not cond.value:
            return sa.true()
        return sa.or_(operand.not_in(names.bind(operand, expanding=True)), column.is_(None))
    if op == "like":
        return _like(column, names.bind(column), dialect)
    if op == "not_like":
        return sa.or_(sa.not_(_like(column, names.bind(column), dialect)), column.is_(None))
    if op == "between":
        return operand.between(names.bind(operand), names.bind(operand))
    raise ValueError(f"unknown operator {op!r}")


def compile_filter(table: sa.Table, flt: Filter | None, dialect: str) -> ColumnElement[bool] | None:
    """The WHERE clause of ``flt``, its values left as parameters for ``filter_params`` to fill."""
    return _compile(table, flt, dialect, _Names())


def _compile(
    table: sa.Table, flt: Filter | None, dialect: str, names: _Names
) -> ColumnElement[bool] | None:
    if flt is None:
        return None
    if isinstance(flt, Condition):
        return _condition(table, flt, dialect, names)
    parts = [p for p in (_compile(table, f, dialect, names) for f in flt.items) if p is not None]
    if isinstance(flt, And):
        return sa.and_(*parts)
    if isinstance(flt, Or):
        return sa.or_(*parts)
    raise TypeError(f"not a filter: {flt!r}")


def order_by(table: sa.Table, keys: Sequence[OrderBy], dialect: str) -> list[ColumnElement[Any]]:
    """ORDER BY with the core's NULL placement. SQLite already sorts NULLs that way, and NOT NULL columns
    need no clause, so the plain form is emitted there: it lets PostgreSQL walk an index."""
    clauses: list[ColumnElement[Any]] = []
    for key in keys:
        operand = _operand(table, key.field, dialect)
        clause = operand.desc() if key.descending else operand.asc()
        if dialect != "sqlite" and table.c[key.field].nullable:
            clause = clause.nulls_last() if key.descending else clause.nulls_first()
        clauses.append(clause)
    return clauses
