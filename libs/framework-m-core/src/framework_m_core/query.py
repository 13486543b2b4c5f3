"""The storage-neutral query model and the validation of list requests (filters, order, paging, fields).

Semantics every adapter implements (the in-memory reference defines them, the conformance kit checks them):

* ``= < <= > >= in like between`` never match a row whose field is NULL; ``!= not_in not_like`` do.
* ``like`` takes SQL patterns (``%`` any run, ``_`` one character, ``\\`` escapes) and is case-sensitive.
* Ordering puts NULLs first when ascending and last when descending; strings compare by code point; ``id``
  (time-ordered) is always the final tie-breaker, so pages never overlap or skip.

This is the public module for all of it. The model itself (``Query``, ``Condition``, ``And``, ``Or``,
``OrderBy``, the limits) lives in ``_query/model.py`` and the Frappe filter-format parser
(``parse_filters``, ``make_condition``) in ``_query/frappe_filters.py``; both are re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ._query.frappe_filters import MAX_CONDITIONS, MAX_FILTER_DEPTH, make_condition, parse_filters
from ._query.model import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    OPERATORS,
    ORDERABLE,
    And,
    Condition,
    Filter,
    Operator,
    Or,
    OrderBy,
    Query,
    all_of,
    queryable,
)
from .errors import FieldError, QueryError
from .meta import DocTypeMeta

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_CONDITIONS",
    "MAX_FILTER_DEPTH",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "OPERATORS",
    "And",
    "Condition",
    "Filter",
    "Operator",
    "Or",
    "OrderBy",
    "Query",
    "all_of",
    "build_query",
    "make_condition",
    "parse_fields",
    "parse_filters",
    "parse_order_by",
]


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
        spec = queryable(meta, words[0], loc)
        if spec.kind not in ORDERABLE:
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
            queryable(meta, name, ["fields", i])
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
