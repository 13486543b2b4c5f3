"""The storage-neutral query model: conditions, their AND/OR combinations, sort keys, the bounded Query.

What each operator means is written down in ``framework_m_core.query`` (the public module that re-exports
these names); the in-memory reference defines it and the conformance kit checks every adapter against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, get_args

from ..errors import FieldError, QueryError
from ..meta import DocTypeMeta, FieldKind, FieldSpec

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
ORDERABLE: frozenset[str] = frozenset(get_args(FieldKind)) - {"table", "json"}
"""Field kinds with an order: they can be sorted on and compared with ``< <= > >= between``."""

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1
"""Deeper pages are refused: no store can skip that many rows sensibly, and some overflow."""


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


def queryable(meta: DocTypeMeta, name: str, loc: Sequence[str | int]) -> FieldSpec:
    """The field ``name`` of ``meta`` when a query may select, filter or sort on it; QueryError
    (located at ``loc``) for an unknown field, a child table, or a field documents never show."""
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
