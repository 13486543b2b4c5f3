"""The storage-neutral query model and the parser for Frappe-style wire filters.

Semantics every adapter implements (the in-memory reference defines them, the conformance kit checks them):

* ``= < <= > >= in like between`` never match a row whose field is NULL; ``!= not_in not_like`` do.
* ``like`` takes SQL patterns (``%`` any run, ``_`` one character, ``\\`` escapes) and is case-sensitive.
* Ordering puts NULLs first when ascending and last when descending; strings compare by code point; ``id``
  (time-ordered) is always the final tie-breaker, so pages never overlap or skip.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Literal, NoReturn, TypeAlias, get_args

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from .errors import FieldError, QueryError
from .meta import DocTypeMeta, FieldKind, FieldSpec

Operator = Literal[
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not_in",
    "like",
    "not_like",
    "is_set",
    "is_not_set",
    "between",
]
OPERATORS: frozenset[str] = frozenset(Operator.__args__)  # type: ignore[attr-defined]
_ALIASES = {
    "==": "=",
    "<>": "!=",
    "not in": "not_in",
    "not like": "not_like",
    "is set": "is_set",
    "is not set": "is_not_set",
    "notin": "not_in",
}
_ORDERABLE: frozenset[str] = frozenset(get_args(FieldKind)) - {"table", "json"}
_TEXT = frozenset({"data", "select"})

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1
"""Deeper pages are refused: no store can skip that many rows sensibly, and some overflow."""
MAX_CONDITIONS = 50


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: Operator
    value: Any = None


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Filter, ...]


Filter: TypeAlias = Condition | And | Or


def all_of(*filters: Filter | None) -> Filter | None:
    """Combine filters with AND, dropping ``None``; ``None`` when nothing is left."""
    items = tuple(f for f in filters if f is not None)
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


@dataclass(frozen=True, slots=True)
class OrderBy:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A validated list request. Build it with ``build_query`` so fields and values are checked."""

    filters: Filter | None = None
    order_by: tuple[OrderBy, ...] = (OrderBy("modified", descending=True),)
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    fields: tuple[str, ...] | None = None
    include_deleted: bool = False

    def with_filter(self, extra: Filter | None) -> Query:
        """This query with ``extra`` ANDed in (how the Kernel adds RLS and tenant conditions)."""
        return Query(
            filters=all_of(self.filters, extra),
            order_by=self.order_by,
            limit=self.limit,
            offset=self.offset,
            fields=self.fields,
            include_deleted=self.include_deleted,
        )

    @property
    def sort_keys(self) -> tuple[OrderBy, ...]:
        """The ordering adapters must apply: the requested keys, then ``id`` as the tie-breaker."""
        if any(o.field == "id" for o in self.order_by):
            return self.order_by
        return (*self.order_by, OrderBy("id"))


def _queryable(meta: DocTypeMeta, name: str, loc: list[str | int]) -> FieldSpec:
    spec = meta.fields.get(name)
    if name in meta.hidden_fields:
        # What documents never show must not be selected, filtered or sorted on either.
        raise QueryError(
            f"field {name!r} of {meta.name} is not served",
            [FieldError(loc, f"field {name!r} is not served", "hidden_field")],
        )
    if spec is None or spec.kind == "table":
        known = ", ".join(sorted(f for f, s in meta.fields.items() if s.kind != "table"))
        raise QueryError(
            f"unknown field {name!r} for {meta.name}",
            [FieldError(loc, f"unknown field {name!r}; known fields: {known}", "unknown_field")],
        )
    return spec


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
    spec = _queryable(meta, fieldname, [*where, 0])
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
    if spec.kind not in _ORDERABLE and op_name not in ("=", "!="):
        raise QueryError(
            f"{op_name} does not apply to {fieldname!r}",
            [FieldError([*where, 1], "operator does not apply", "invalid_operator")],
        )
    return Condition(fieldname, op_name, _coerce(spec, value, value_loc))  # type: ignore[arg-type]


MAX_FILTER_DEPTH = 4
"""Filters nest at most this deep: the list, a condition, an ``in`` list (or a mapping's value) and its
values. Anything deeper is refused before any work (and before Python's recursion limit)."""


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


def parse_order_by(meta: DocTypeMeta, raw: str | Sequence[str] | None) -> tuple[OrderBy, ...]:
    """Parse ``"modified desc, name"`` (or a list of such items) into sort keys."""
    if raw is None or raw == "":
        return (OrderBy("modified", descending=True),)
    items = [p for part in ([raw] if isinstance(raw, str) else raw) for p in part.split(",")]
    keys: list[OrderBy] = []
    for i, item in enumerate(items):
        words = item.split()
        loc: list[str | int] = ["order_by", i]
        if not 1 <= len(words) <= 2 or (
            len(words) == 2 and words[1].lower() not in ("asc", "desc")
        ):
            raise QueryError(
                f"bad order_by item {item!r}; use '<field> [asc|desc]'",
                [FieldError(loc, "use '<field> [asc|desc]'", "invalid_order")],
            )
        spec = _queryable(meta, words[0], loc)
        if spec.kind not in _ORDERABLE:
            raise QueryError(
                f"cannot order by {spec.name!r}",
                [FieldError(loc, "field is not orderable", "invalid_order")],
            )
        keys.append(OrderBy(words[0], len(words) == 2 and words[1].lower() == "desc"))
    return tuple(keys)


def parse_fields(meta: DocTypeMeta, raw: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """Validate a field selection; ``id`` is always included so rows stay addressable."""
    if raw is None or raw == "" or raw == ["*"] or raw == "*":
        return None
    if isinstance(raw, str):
        try:
            decoded = json.loads(raw) if raw.lstrip().startswith("[") else raw.split(",")
        except ValueError:
            raise QueryError(
                "fields is not valid JSON",
                [FieldError(["fields"], "not valid JSON", "invalid_json")],
            ) from None
        raw = [str(f).strip() for f in decoded]
    selected: list[str] = ["id"]
    for i, name in enumerate(raw):
        if name not in meta.fields or name in meta.hidden_fields:
            _queryable(meta, name, ["fields", i])
        if name not in selected:
            selected.append(name)
    return tuple(selected)


def build_query(
    meta: DocTypeMeta,
    *,
    filters: Any = None,
    order_by: str | Sequence[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
    fields: str | Sequence[str] | None = None,
    max_limit: int = MAX_LIMIT,
) -> Query:
    """Validate a whole list request; every problem is a QueryError naming the offending part."""
    page = DEFAULT_LIMIT if limit is None else limit
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= max_limit:
        raise QueryError(
            f"limit must be between 1 and {max_limit}",
            [FieldError(["limit"], f"must be between 1 and {max_limit}", "out_of_range")],
        )
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
        raise QueryError(
            f"offset must be between 0 and {MAX_OFFSET}",
            [FieldError(["offset"], f"must be between 0 and {MAX_OFFSET}", "out_of_range")],
        )
    return Query(
        filters=parse_filters(meta, filters),
        order_by=parse_order_by(meta, order_by),
        limit=page,
        offset=offset,
        fields=parse_fields(meta, fields),
    )
