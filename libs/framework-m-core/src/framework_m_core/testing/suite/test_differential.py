"""Property-based equivalence with the in-memory reference.

Random sequences of create / update / soft delete / list (random filters, ordering, paging, field
selection) / count on KitRecord run against the adapter under test and against a fresh MemoryProvider at
the same time. Both Kernels use sequential ids and identical frozen clocks, so every result — documents,
pages, totals and error codes — must be equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ...errors import FrameworkError
from ...query import Or, Query, build_query, make_condition
from ..adapters import AdapterProvider, MemoryProvider
from ..doctypes import KitAddress, KitRecord, KitStatus
from ..plugin import KitEnv
from ._support import REF_A, REF_B, REF_C, kit_session, meta_of

__all__ = ["test_differential_against_reference"]

_OFFSETS = [dt.UTC] + [dt.timezone(dt.timedelta(minutes=m)) for m in (120, -300, 330, -570)]
_WORDS = ["", "a", "A", "ab", "b", "é", "e\u0301", "漢字", "🚀", "a%b", "a_b", "\\", "zz", "O"]
text = st.sampled_from(_WORDS) | st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=6
)
patterns = (
    st.sampled_from(
        ["%", "a%", "%a", "_", "%\\%%", "%\\_%", "漢%", "%🚀", "", "A%", "%b%", "_%", "e_"]
    )
    | text
)

VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": text,
    "count": st.integers(-3, 3) | st.integers(-(2**53), 2**53),
    "ratio": st.sampled_from([-1.5, 0.0, 0.1, 2.5])
    | st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    "flag": st.booleans(),
    "amount": st.sampled_from([Decimal("0"), Decimal("1.1"), Decimal("-2.000001")])
    | st.decimals(Decimal("-999999999999.999999"), Decimal("999999999999.999999"), places=6),
    "day": st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    # Milliseconds: every store keeps them (microseconds have a test of their own, by capability).
    "at": st.datetimes(
        dt.datetime(1970, 1, 2), dt.datetime(2100, 1, 1), timezones=st.sampled_from(_OFFSETS)
    ).map(lambda d: d.replace(microsecond=d.microsecond - d.microsecond % 1000)),
    "clock": st.sampled_from([dt.time(0, 0), dt.time(12, 0)]) | st.times(),
    "ref": st.sampled_from([REF_A, REF_B, REF_C]) | st.uuids(),
    "status": st.sampled_from([s.value for s in KitStatus]),
    "kind": st.sampled_from(["a", "b", "c"]),
    "body": text,
}
JSON_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "tags": st.lists(text, max_size=3),
    "data": st.dictionaries(text, st.none() | st.integers(-5, 5) | text, max_size=2),
    "address": st.none()
    | st.builds(KitAddress, city=text, zip=st.none() | text).map(lambda a: a.model_dump()),
}
NULLABLE = ("count", "ratio", "amount", "day", "at", "clock", "ref", "status", "kind", "body")
TEXTUAL = ("title", "body", "status", "kind")
# Nullable and low-cardinality keys first and most often: that is where NULL placement and ties show.
ORDERABLE = (*NULLABLE, *NULLABLE, "flag", "title", "name", "modified", "version", "id")
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=", "in", "not_in", "between", "is_set", "is_not_set")


def _field_value(name: str) -> st.SearchStrategy[Any]:
    if name in JSON_VALUES:
        return JSON_VALUES[name]
    strategy = VALUES[name]
    return st.none() | strategy if name in NULLABLE else strategy


record_fields = st.fixed_dictionaries(
    {"title": text},
    optional={name: _field_value(name) for name in (*VALUES, *JSON_VALUES) if name != "title"},
)


@st.composite
def conditions(draw: st.DrawFn) -> list[Any]:
    field = draw(st.sampled_from([*VALUES, *JSON_VALUES]))
    if field in JSON_VALUES:
        return [field, draw(st.sampled_from(["is_set", "is_not_set"])), None]
    ops = COMPARISONS + (("like", "not_like") if field in TEXTUAL else ())
    op = draw(st.sampled_from(ops))
    value: Any = None
    if op in ("like", "not_like"):
        value = draw(patterns)
    elif op in ("in", "not_in"):
        value = draw(st.lists(VALUES[field], max_size=3))
    elif op == "between":
        value = [draw(VALUES[field]), draw(VALUES[field])]
    elif op not in ("is_set", "is_not_set"):
        value = draw(VALUES[field])
    return [field, op, value]


@dataclass(frozen=True)
class Listing:
    conditions: list[list[Any]]
    any_of: bool
    order_by: list[str]
    limit: int
    offset: int
    fields: list[str] | None
    with_total: bool


listings = st.builds(
    Listing,
    conditions=st.lists(conditions(), max_size=2),
    any_of=st.booleans(),
    order_by=st.just([])
    | st.lists(
        st.tuples(st.sampled_from(ORDERABLE), st.booleans()),
        min_size=1,
        max_size=3,
        unique_by=lambda t: t[0],
    ).map(lambda keys: [f"{f} {'desc' if d else 'asc'}" for f, d in keys]),
    limit=st.integers(1, 8),
    offset=st.sampled_from([0, 0, 0, 1, 2, 3, 5]),
    fields=st.none()
    | st.lists(st.sampled_from(["title", "count", "tags", "at", "name"]), max_size=3),
    with_total=st.booleans(),
)

_updates = st.tuples(
    st.just("update"),
    st.integers(0, 50),
    st.fixed_dictionaries(
        {}, optional={name: _field_value(name) for name in (*VALUES, *JSON_VALUES)}
    ),
    st.none() | st.integers(1, 3),
)
_OPERATIONS: dict[str, st.SearchStrategy[tuple[Any, ...]]] = {
    "create": st.tuples(st.just("create"), record_fields),
    "update": _updates,
    "delete": st.tuples(st.just("delete"), st.integers(0, 50)),
    "list": st.tuples(st.just("list"), listings),
    "count": st.tuples(st.just("count"), st.lists(conditions(), max_size=2)),
}
# Reads outnumber writes so that most states get looked at, in many orders and pages.
operations = st.sampled_from(
    ["list", "list", "list", "count", "create", "create", "update", "delete"]
).flatmap(_OPERATIONS.__getitem__)


def _plain(value: Any) -> Any:
    """Documents as dicts (so a failure shows which field differs)."""
    if isinstance(value, KitRecord):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


async def _list(kit: KitEnv, listing: Listing) -> Any:
    meta = meta_of(kit, "KitRecord")
    if listing.any_of and len(listing.conditions) > 1:
        query = build_query(
            meta,
            order_by=listing.order_by or None,
            limit=listing.limit,
            offset=listing.offset,
            fields=listing.fields,
            max_limit=kit.kernel.max_limit,
        )
        either = Or(tuple(make_condition(meta, *c) for c in listing.conditions))
        query = Query(either, query.order_by, query.limit, query.offset, query.fields)
        page = await kit.kernel.query(kit.admin, meta, query, with_total=listing.with_total)
    else:
        page = await kit.kernel.list(
            kit.admin,
            KitRecord,
            filters=listing.conditions,
            order_by=listing.order_by or None,
            limit=listing.limit,
            offset=listing.offset,
            fields=listing.fields,
            with_total=listing.with_total,
        )
    return (_plain(page.items), page.has_more, page.total)


async def _apply(kit: KitEnv, op: tuple[Any, ...], ids: list[UUID]) -> Any:
    """Run one operation; returns its result or ``("error", code)`` for a framework error."""
    try:
        kind = op[0]
        if kind == "create":
            return _plain(await kit.kernel.create(kit.admin, KitRecord, op[1]))
        if kind == "update":
            target = ids[op[1] % len(ids)]
            return _plain(
                await kit.kernel.update(kit.admin, KitRecord, target, op[2], version=op[3])
            )
        if kind == "delete":
            await kit.kernel.delete(kit.admin, KitRecord, ids[op[1] % len(ids)])
            return None
        if kind == "list":
            return await _list(kit, op[1])
        return await kit.kernel.count(kit.admin, KitRecord, op[1])
    except FrameworkError as exc:
        return ("error", exc.code)


@pytest.mark.anyio
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # No shrinking: each attempt opens two fresh adapter sets, and against a real database thousands of
    # attempts take many minutes. The failure names the first differing step; the steps before it are
    # the reproduction (and the example database replays it on the next run).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    seed=st.lists(record_fields.map(lambda r: ("create", r)), min_size=2, max_size=6),
    ops=st.lists(operations, min_size=4, max_size=19),
)
async def test_differential_against_reference(
    framework_m_adapters: AdapterProvider,
    seed: list[tuple[Any, ...]],
    ops: list[tuple[Any, ...]],
) -> None:
    async with (
        kit_session(framework_m_adapters) as subject,
        kit_session(MemoryProvider()) as oracle,
    ):
        ids: list[UUID] = []
        for step, op in enumerate(seed + ops):
            if op[0] in ("update", "delete") and not ids:
                continue
            expected = await _apply(oracle, op, ids)
            actual = await _apply(subject, op, ids)
            assert actual == expected, f"step {step}: {op!r} differs from the reference"
            if op[0] == "create" and isinstance(expected, dict):
                ids.append(expected["id"])
        # Finally the whole visible table, in a total order, must match.
        everything = Listing([], False, ["id asc"], subject.kernel.max_limit, 0, None, True)
        assert await _list(subject, everything) == await _list(oracle, everything)
