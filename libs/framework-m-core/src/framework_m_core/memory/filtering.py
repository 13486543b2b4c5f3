"""Evaluation of the query model over records: the reference semantics the conformance kit checks."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from ..query import And, Condition, Filter, Or, OrderBy
from ..types import Record


@functools.lru_cache(maxsize=512)
def like_regex(pattern: str) -> re.Pattern[str]:
    """Translate a SQL LIKE pattern (``%``, ``_``, ``\\`` escape) into an anchored regular expression."""
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL)


def _condition(record: Record, cond: Condition) -> bool:
    value = record.get(cond.field)
    op, arg = cond.op, cond.value
    if op == "is_set":
        return value is not None
    if op == "is_not_set":
        return value is None
    if value is None:
        return op in ("!=", "not_in", "not_like")
    if op == "=":
        return bool(value == arg)
    if op == "!=":
        return bool(value != arg)
    if op == "<":
        return bool(value < arg)
    if op == "<=":
        return bool(value <= arg)
    if op == ">":
        return bool(value > arg)
    if op == ">=":
        return bool(value >= arg)
    if op == "in":
        return value in arg
    if op == "not_in":
        return value not in arg
    if op == "like":
        return like_regex(arg).fullmatch(value) is not None
    if op == "not_like":
        return like_regex(arg).fullmatch(value) is None
    if op == "between":
        low, high = arg
        return bool(low <= value <= high)
    raise ValueError(f"unknown operator {op!r}")


def matches(record: Record, flt: Filter | None) -> bool:
    if flt is None:
        return True
    if isinstance(flt, Condition):
        return _condition(record, flt)
    if isinstance(flt, And):
        return all(matches(record, f) for f in flt.items)
    if isinstance(flt, Or):
        return any(matches(record, f) for f in flt.items)
    raise TypeError(f"not a filter: {flt!r}")


def _compare(a: Any, b: Any) -> int:
    if a is None or b is None:
        return (a is not None) - (b is not None)
    return int(a > b) - int(a < b)


def sort_records(records: list[Record], keys: Sequence[OrderBy]) -> list[Record]:
    """Sort by ``keys``: NULLs first ascending and last descending, values by natural order."""

    def cmp(x: Record, y: Record) -> int:
        for key in keys:
            result = _compare(x.get(key.field), y.get(key.field))
            if result:
                return -result if key.descending else result
        return 0

    return sorted(records, key=functools.cmp_to_key(cmp))
