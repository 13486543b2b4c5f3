"""The core query model as one MongoDB filter document and sort specification.

Every operand goes under an explicit operator (``$eq``, ``$in``, ...), so a value that looks like a
query (``{"$gt": ""}``) is compared as data, never run as one; ``like`` becomes an anchored regular
expression in which everything but ``%`` and ``_`` is escaped. No ``$where``, no JavaScript.

The semantics are the core's and need no extra clauses here: MongoDB's ``$ne``/``$nin``/``$not``
match missing and null fields, ``$eq``/``$lt``/``$in``/``$regex`` do not, and ascending sorts put
nulls first, descending last.
"""

from __future__ import annotations

import re
from typing import Any

from framework_m_core.errors import FieldError, QueryError
from framework_m_core.meta import DocTypeMeta
from framework_m_core.query import And, Condition, Filter, Or, OrderBy

from .codec import DELETED_AT, ID, Unstorable, encode_value

_COMPARISONS = {"=": "$eq", "!=": "$ne", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


def _literal(ch: str) -> str:
    return "\\x00" if ch == "\x00" else re.escape(ch)  # a raw NUL would end the server's pattern


def like_regex(pattern: str) -> str:
    """A LIKE pattern (``%`` any run, ``_`` one character, ``\\`` escapes) as an anchored regex.

    The end anchor is ``(?![\\s\\S])``: ``$`` would also match before a final line break. Runs of
    ``%`` collapse into one (``.*.*`` only adds backtracking)."""
    out: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            out.append(_literal(next(chars, "\\")))
        elif ch == "%":
            if not out or out[-1] != ".*":
                out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(_literal(ch))
    return "^" + "".join(out) + "(?![\\s\\S])"


def _field(name: str) -> str:
    return ID if name == "id" else name


def _condition(meta: DocTypeMeta, cond: Condition) -> dict[str, Any]:
    field = _field(cond.field)
    kind = meta.fields[cond.field].kind
    op, value = cond.op, cond.value
    if op in ("=", "!="):
        return {field: {_COMPARISONS[op]: encode_value(kind, value)}}
    if op in _COMPARISONS:
        # MongoDB never orders null against a value; the explicit guard keeps compatible servers
        # that do (some test servers) to the same semantics.
        return {field: {_COMPARISONS[op]: encode_value(kind, value), "$ne": None}}
    if op == "in":
        return {field: {"$in": [encode_value(kind, v) for v in value]}}
    if op == "not_in":
        return {field: {"$nin": [encode_value(kind, v) for v in value]}}
    if op == "like":
        # "s": % and _ match line breaks too, as in SQL.
        return {field: {"$regex": like_regex(value), "$options": "s"}}
    if op == "not_like":
        return {field: {"$not": {"$regex": like_regex(value), "$options": "s"}}}
    if op == "is_set":
        return {field: {"$ne": None}}
    if op == "is_not_set":
        return {field: {"$eq": None}}
    if op == "between":
        low, high = value
        bounds = {"$gte": encode_value(kind, low), "$lte": encode_value(kind, high)}
        return {field: {**bounds, "$ne": None}}
    raise ValueError(f"unknown operator {op!r}")


def compile_filter(meta: DocTypeMeta, flt: Filter | None) -> dict[str, Any]:
    """The filter document of ``flt`` (``{}`` for none); an operand BSON cannot hold is a QueryError."""
    try:
        return _compile(meta, flt)
    except Unstorable as exc:
        raise QueryError(
            f"invalid filter: {exc}", [FieldError(["filters"], str(exc), "out_of_range")]
        ) from None


def _compile(meta: DocTypeMeta, flt: Filter | None) -> dict[str, Any]:
    if flt is None:
        return {}
    if isinstance(flt, Condition):
        return _condition(meta, flt)
    parts = [_compile(meta, item) for item in flt.items]
    if isinstance(flt, And):
        return {"$and": parts} if parts else {}
    if isinstance(flt, Or):
        return {"$or": parts} if parts else {"_id": {"$in": []}}
    raise TypeError(f"not a filter: {flt!r}")


def visible(flt: dict[str, Any], include_deleted: bool) -> dict[str, Any]:
    """``flt`` limited to documents that are not soft-deleted (unless asked for)."""
    if include_deleted:
        return flt
    hidden = {DELETED_AT: {"$eq": None}}
    return {"$and": [hidden, flt]} if flt else hidden


def sort_spec(keys: tuple[OrderBy, ...]) -> list[tuple[str, int]]:
    return [(_field(key.field), -1 if key.descending else 1) for key in keys]
