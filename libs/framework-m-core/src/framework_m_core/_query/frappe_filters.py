"""The Frappe filter wire format, parsed into the query model.

Accepted: ``[["status", "=", "Open"]]``, ``{"status": "Open"}``, ``{"status": ["!=", "Open"]}``, the
four-item ``[doctype, field, op, value]`` form, and JSON text of any of those. Every condition is checked
against the DocType (the field exists and is served, the operator fits its kind, values coerce to its
type), and hostile input is bounded in depth and size before any work is done. Every problem is a
QueryError whose field errors point at the offending part.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, NoReturn

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from ..errors import FieldError, QueryError
from ..meta import DocTypeMeta, FieldSpec
from .model import OPERATORS, ORDERABLE, Condition, Filter, all_of, queryable

_ALIASES = {
    "==": "=",
    "<>": "!=",
    "not in": "not_in",
    "not like": "not_like",
    "is set": "is_set",
    "is not set": "is_not_set",
    "notin": "not_in",
}
_TEXT = frozenset({"data", "select"})

MAX_CONDITIONS = 50
MAX_FILTER_DEPTH = 4
"""Filters nest at most this deep: the list, a condition, an ``in`` list (or a mapping's value) and its
values. Anything deeper is refused before any work (and before Python's recursion limit)."""


@functools.lru_cache(maxsize=256)
def _adapter(python_type: Any) -> TypeAdapter[Any]:
    return TypeAdapter(python_type)


def _coerce(spec: FieldSpec, value: Any, loc: list[str | int]) -> Any:
    try:
        coerced = _adapter(spec.python_type).validate_python(value)
    except PydanticValidationError as exc:
        msg = exc.errors()[0]["msg"]
        raise QueryError(
            f"bad value for {spec.name!r}: {msg}", [FieldError(loc, msg, "invalid_value")]
        ) from None
    if isinstance(coerced, datetime) and coerced.tzinfo is None:
        raise QueryError(
            f"bad value for {spec.name!r}: a datetime needs a timezone (e.g. 2026-01-31T09:00:00Z)",
            [FieldError(loc, "datetime without a timezone", "naive_datetime")],
        )
    return coerced.value if isinstance(coerced, Enum) else coerced


def make_condition(
    meta: DocTypeMeta, fieldname: str, op: str, value: Any = None, loc: Sequence[str | int] = ()
) -> Condition:
    """Validate one condition against ``meta``: the field exists, the operator fits it, values coerce."""
    where = list(loc)
    spec = queryable(meta, fieldname, [*where, 0])
    op_name = _ALIASES.get(op.strip().lower(), op.strip().lower()) if isinstance(op, str) else op
    if op_name == "is" and isinstance(value, str) and value.lower() in ("set", "not set"):
        op_name, value = ("is_set" if value.lower() == "set" else "is_not_set"), None
    if op_name not in OPERATORS:
        raise QueryError(
            f"unknown operator {op!r}",
            [
                FieldError(
                    [*where, 1],
                    f"unknown operator {op!r}; use one of {sorted(OPERATORS)}",
                    "unknown_operator",
                )
            ],
        )
    if op_name in ("=", "!=") and value is None:
        op_name = "is_not_set" if op_name == "=" else "is_set"
    if op_name in ("is_set", "is_not_set"):
        return Condition(fieldname, op_name, None)  # type: ignore[arg-type]
    if spec.kind == "json":
        raise QueryError(
            f"field {fieldname!r} holds JSON; only is_set/is_not_set can filter it",
            [
                FieldError(
                    [*where, 1], "only is_set/is_not_set apply to JSON fields", "invalid_operator"
                )
            ],
        )
    value_loc = [*where, 2]
    if op_name in ("like", "not_like"):
        if spec.kind not in _TEXT or not isinstance(value, str):
            raise QueryError(
                f"{op_name} needs a text field and a string pattern",
                [
                    FieldError(
                        value_loc, "like needs a text field and a string pattern", "invalid_value"
                    )
                ],
            )
        return Condition(fieldname, op_name, value)  # type: ignore[arg-type]
    if op_name in ("in", "not_in"):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple | set | frozenset):
            raise QueryError(
                f"{op_name} needs a list",
                [FieldError(value_loc, "expected a list", "invalid_value")],
            )
        items = tuple(_coerce(spec, v, [*value_loc, i]) for i, v in enumerate(value))
        return Condition(fieldname, op_name, items)  # type: ignore[arg-type]
    if op_name == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise QueryError(
                "between needs [low, high]",
                [FieldError(value_loc, "expected [low, high]", "invalid_value")],
            )
        low, high = (_coerce(spec, v, [*value_loc, i]) for i, v in enumerate(value))
        return Condition(fieldname, "between", (low, high))
    if spec.kind not in ORDERABLE and op_name not in ("=", "!="):
        raise QueryError(
            f"{op_name} does not apply to {fieldname!r}",
            [FieldError([*where, 1], "operator does not apply", "invalid_operator")],
        )
    return Condition(fieldname, op_name, _coerce(spec, value, value_loc))  # type: ignore[arg-type]


def _depth(value: Any) -> int:
    """Nesting depth of lists/tuples/mappings, iteratively (hostile input cannot exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_FILTER_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def _too_deep() -> NoReturn:
    raise QueryError(
        f"filters nest deeper than {MAX_FILTER_DEPTH} levels",
        [FieldError(["filters"], f"at most {MAX_FILTER_DEPTH} levels deep", "too_deep")],
    )


def parse_filters(meta: DocTypeMeta, raw: Any) -> Filter | None:
    """Parse Frappe wire filters: ``[["status","=","Open"]]``, ``{"status": "Open"}`` or JSON text of those.

    ``{"f": ["op", value]}`` and four-item ``[doctype, field, op, value]`` forms are accepted too.
    """
    if raw is None or raw == "" or raw == [] or raw == {}:
        return None
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise QueryError(
                f"filters are not valid JSON: {exc}",
                [FieldError(["filters"], "not valid JSON", "invalid_json")],
            ) from None
        except RecursionError:
            _too_deep()
    if _depth(raw) > MAX_FILTER_DEPTH:
        _too_deep()
    conditions: list[Condition] = []
    if isinstance(raw, Mapping):
        for fname, value in raw.items():
            loc: list[str | int] = ["filters", str(fname)]
            if (
                isinstance(value, list)
                and len(value) == 2
                and isinstance(value[0], str)
                and (
                    _ALIASES.get(value[0].lower(), value[0].lower()) in OPERATORS
                    or value[0].lower() == "is"
                )
            ):
                conditions.append(make_condition(meta, str(fname), value[0], value[1], loc))
            else:
                conditions.append(make_condition(meta, str(fname), "=", value, loc))
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            loc = ["filters", i]
            if not isinstance(item, list | tuple) or len(item) not in (2, 3, 4):
                raise QueryError(
                    "each filter must be [field, operator, value]",
                    [FieldError(loc, "expected [field, operator, value]", "invalid_filter")],
                )
            parts = list(item)
            if len(parts) == 4:
                if parts[0] != meta.name:
                    raise QueryError(
                        f"filter names DocType {parts[0]!r}, expected {meta.name!r}",
                        [FieldError(loc, "wrong DocType", "invalid_filter")],
                    )
                parts = parts[1:]
            if len(parts) == 2:
                parts = [parts[0], "=", parts[1]]
            fname, op, value = parts
            if not isinstance(fname, str) or not isinstance(op, str):
                raise QueryError(
                    "field and operator must be strings",
                    [FieldError(loc, "field and operator must be strings", "invalid_filter")],
                )
            conditions.append(make_condition(meta, fname, op, value, loc))
    else:
        raise QueryError(
            "filters must be a list or an object",
            [FieldError(["filters"], "expected a list or an object", "invalid_filter")],
        )
    if len(conditions) > MAX_CONDITIONS:
        raise QueryError(
            f"at most {MAX_CONDITIONS} filter conditions are allowed",
            [FieldError(["filters"], "too many conditions", "too_many")],
        )
    return all_of(*conditions)
