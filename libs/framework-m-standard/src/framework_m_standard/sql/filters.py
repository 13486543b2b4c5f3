"""The query model compiled to one SQL WHERE/ORDER BY with bound parameters only.

Semantics are the core's (see ``framework_m_core.query``): negative operators match NULLs, ``like`` is
case-sensitive (SQLite runs it as GLOB), NULLs sort first ascending and last descending. Decimals are text
on SQLite, so they are compared and sorted through ``CAST(... AS REAL)`` there.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from framework_m_core.query import And, Condition, Filter, Or, OrderBy

from .types import ExactDecimal


def _operand(table: sa.Table, name: str, dialect: str) -> ColumnElement[Any]:
    column = table.c[name]
    if dialect == "sqlite" and isinstance(column.type, ExactDecimal):
        return sa.cast(column, sa.Float)
    return column


def _bind(operand: ColumnElement[Any], value: Any, dialect: str) -> sa.BindParameter[Any]:
    """Always a bound parameter typed like the column (SQLAlchemy would refuse ``col < True``)."""
    if dialect == "sqlite" and isinstance(value, Decimal):
        value = float(value)
    # Text columns carry their collation; the parameter must not (PostgreSQL would read "$1 COLLATE").
    bind_type = sa.String() if isinstance(operand.type, sa.String) else operand.type
    return sa.bindparam(None, value, type_=bind_type)


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


def _like(column: ColumnElement[Any], pattern: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        return column.op("GLOB", is_comparison=True)(glob_pattern(pattern))
    return column.like(pattern, escape="\\")


def _condition(table: sa.Table, cond: Condition, dialect: str) -> ColumnElement[bool]:
    column = table.c[cond.field]
    operand = _operand(table, cond.field, dialect)
    op, value = cond.op, cond.value
    if op == "is_set":
        return column.is_not(None)
    if op == "is_not_set":
        return column.is_(None)
    if op == "=":
        return operand == _bind(operand, value, dialect)
    if op == "!=":
        return sa.or_(operand != _bind(operand, value, dialect), column.is_(None))
    if op == "<":
        return operand < _bind(operand, value, dialect)
    if op == "<=":
        return operand <= _bind(operand, value, dialect)
    if op == ">":
        return operand > _bind(operand, value, dialect)
    if op == ">=":
        return operand >= _bind(operand, value, dialect)
    if op == "in":
        return operand.in_([_bind(operand, v, dialect) for v in value]) if value else sa.false()
    if op == "not_in":
        if not value:
            return sa.true()
        return sa.or_(operand.not_in([_bind(operand, v, dialect) for v in value]), column.is_(None))
    if op == "like":
        return _like(column, value, dialect)
    if op == "not_like":
        return sa.or_(sa.not_(_like(column, value, dialect)), column.is_(None))
    if op == "between":
        low, high = value
        return operand.between(_bind(operand, low, dialect), _bind(operand, high, dialect))
    raise ValueError(f"unknown operator {op!r}")


def compile_filter(table: sa.Table, flt: Filter | None, dialect: str) -> ColumnElement[bool] | None:
    if flt is None:
        return None
    if isinstance(flt, Condition):
        return _condition(table, flt, dialect)
    parts = [p for p in (compile_filter(table, f, dialect) for f in flt.items) if p is not None]
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
