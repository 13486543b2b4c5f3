"""Every filter operator on several field kinds, with NULL rows, through ``Kernel.list`` and ``count``.

Expected results are written out by hand from the semantics in ``framework_m_core.query`` (not computed
by the reference adapter), so the reference is checked too.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import pytest

from ...errors import QueryError
from ...query import And, Condition, Filter, Or, Query, make_condition
from ..doctypes import KitRecord
from ..plugin import KitEnv
from ._support import REF_A, REF_B, REF_C, SEED_TITLES, meta_of, query, seed_records

__all__ = [
    "test_filter_and_or_trees",
    "test_filter_comparison_operators",
    "test_filter_equality_operators",
    "test_filter_in_and_between",
    "test_filter_is_set",
    "test_filter_like",
    "test_filter_null_semantics",
    "test_filter_repository_conditions",
    "test_filter_unknown_field_or_operator_is_query_error",
    "test_filter_wire_formats",
]

ALPHA, BETA, GAMMA, NULLS, NAIVE = SEED_TITLES
EVERYONE = frozenset(SEED_TITLES)

Case = tuple[str, str, Any, AbstractSet[str]]


async def _check(kit: KitEnv, cases: Sequence[Case]) -> None:
    """Run each ``[field, op, value]`` filter through list and count; report every mismatch at once."""
    problems: list[str] = []
    for field, op, value, expected in cases:
        flt = [[field, op, value]]
        page = await kit.kernel.list(kit.admin, KitRecord, filters=flt, limit=100)
        got = {doc.title for doc in page.items}
        count = await kit.kernel.count(kit.admin, KitRecord, filters=flt)
        if got != expected or count != len(expected):
            problems.append(
                f"{field} {op} {value!r}: expected {sorted(expected)}, listed {sorted(got)}, "
                f"counted {count}"
            )
    assert not problems, "filters returned wrong rows:\n  " + "\n  ".join(problems)


@pytest.mark.anyio
async def test_filter_equality_operators(kit: KitEnv) -> None:
    await seed_records(kit)
    await _check(
        kit,
        [
            ("count", "=", 2, {BETA}),
            ("title", "=", "Beta", {BETA}),
            ("title", "=", "beta", set()),
            ("title", "=", NAIVE, {NAIVE}),
            ("ratio", "=", 0.5, {ALPHA}),
            ("flag", "=", True, {ALPHA, GAMMA}),
            ("flag", "=", False, {BETA, NULLS, NAIVE}),
            ("amount", "=", "1.1", {ALPHA}),
            ("amount", "=", "3.3", {GAMMA}),
            ("day", "=", "2024-03-01", {GAMMA}),
            ("at", "=", "2024-02-01T08:00:00Z", {BETA}),
            ("clock", "=", "12:00", {BETA}),
            ("ref", "=", str(REF_A), {ALPHA}),
            ("status", "=", "Open", {ALPHA, GAMMA}),
            ("kind", "=", "a", {ALPHA}),
            ("body", "=", "", {GAMMA}),
            ("count", "!=", 2, EVERYONE - {BETA}),
            ("title", "!=", "Beta", EVERYONE - {BETA}),
            ("ratio", "!=", 0.5, EVERYONE - {ALPHA}),
            ("flag", "!=", True, {BETA, NULLS, NAIVE}),
            ("amount", "!=", "1.100", EVERYONE - {ALPHA}),
            ("day", "!=", "2024-03-01", EVERYONE - {GAMMA}),
            ("at", "!=", "2024-02-01T10:00:00+02:00", EVERYONE - {BETA}),
            ("clock", "!=", "08:00", EVERYONE - {ALPHA}),
            ("ref", "!=", str(REF_A), EVERYONE - {ALPHA}),
            ("status", "!=", "Open", {BETA, NULLS, NAIVE}),
            ("kind", "!=", "a", EVERYONE - {ALPHA}),
            ("body", "!=", "x-ray", EVERYONE - {ALPHA}),
        ],
    )


@pytest.mark.anyio
async def test_filter_comparison_operators(kit: KitEnv) -> None:
    await seed_records(kit)
    await _check(
        kit,
        [
            ("count", "<", 2, {ALPHA, NAIVE}),
            ("count", "<=", 2, {ALPHA, BETA, NAIVE}),
            ("count", ">", 2, {GAMMA}),
            ("count", ">=", 2, {BETA, GAMMA}),
            ("count", ">", -100, EVERYONE - {NULLS}),
            ("ratio", ">", 1.0, {BETA, GAMMA}),
            ("ratio", "<=", 0.5, {ALPHA, NAIVE}),
            ("amount", ">", "2.2", {GAMMA}),
            ("amount", ">=", "2.20", {BETA, GAMMA}),
            ("amount", "<", "0", {NAIVE}),
            ("day", "<", "2024-01-15", {ALPHA, NAIVE}),
            ("day", ">=", "2024-02-01", {BETA, GAMMA}),
            ("at", ">", "2024-02-01T09:00:00Z", {GAMMA}),
            ("at", ">=", "2024-02-01T10:00:00+02:00", {BETA, GAMMA}),
            # NAIVE is 1999-12-31 23:59:59-05:00, i.e. 2000-01-01 04:59:59 UTC.
            ("at", "<", "2000-01-01T00:00:00Z", set()),
            ("at", "<=", "2000-01-01T05:00:00Z", {NAIVE}),
            ("clock", ">=", "12:00", {BETA, GAMMA}),
            ("clock", "<", "12:00:00", {ALPHA, NAIVE}),
            ("ref", "<", str(REF_B), {ALPHA}),
            ("ref", ">=", str(REF_B), {BETA, GAMMA}),
            ("flag", ">", False, {ALPHA, GAMMA}),
            # Text compares by code point: digits < upper case < lower case < non-ASCII.
            ("title", "<", "a", {NULLS, BETA}),
            ("title", ">", "gamma", {GAMMA, NAIVE}),
            ("title", ">=", "naïve", {NAIVE}),
            ("status", ">", "Closed", {ALPHA, GAMMA}),
            ("kind", ">", "a", {BETA, GAMMA}),
        ],
    )


@pytest.mark.anyio
async def test_filter_in_and_between(kit: KitEnv) -> None:
    await seed_records(kit)
    await _check(
        kit,
        [
            ("count", "in", [1, 3], {ALPHA, GAMMA}),
            ("count", "not_in", [1, 3], {BETA, NULLS, NAIVE}),
            ("title", "in", ["alpha", "Beta", "zzz"], {ALPHA, BETA}),
            ("title", "in", ["ALPHA"], set()),
            ("title", "not_in", ["alpha", "Beta"], {GAMMA, NULLS, NAIVE}),
            ("amount", "in", ["1.1", "2.200000"], {ALPHA, BETA}),
            ("amount", "not_in", ["1.1"], EVERYONE - {ALPHA}),
            ("day", "in", ["2024-01-01", "1999-12-31"], {ALPHA, NAIVE}),
            ("ref", "in", [str(REF_A), str(REF_C)], {ALPHA, GAMMA}),
            ("ref", "not_in", [str(REF_A), str(REF_B)], {GAMMA, NULLS, NAIVE}),
            ("status", "in", ["Closed"], {BETA, NAIVE}),
            ("status", "not_in", ["Closed"], {ALPHA, GAMMA, NULLS}),
            ("kind", "not_in", ["a", "b"], {GAMMA, NULLS, NAIVE}),
            ("flag", "in", [True], {ALPHA, GAMMA}),
            ("count", "between", [1, 2], {ALPHA, BETA}),
            ("count", "between", [2, 2], {BETA}),
            ("count", "between", [3, 1], set()),
            ("ratio", "between", [-1, 1], {ALPHA, NAIVE}),
            ("amount", "between", ["1.1", "3.3"], {ALPHA, BETA, GAMMA}),
            ("day", "between", ["2024-01-01", "2024-02-01"], {ALPHA, BETA}),
            (
                "at",
                "between",
                ["2024-01-01T10:00:00Z", "2024-02-01T08:00:00Z"],
                {ALPHA, BETA},
            ),
            ("clock", "between", ["08:00", "12:00"], {ALPHA, BETA}),
            ("title", "between", ["B", "b"], {ALPHA, BETA}),
        ],
    )


@pytest.mark.anyio
async def test_filter_like(kit: KitEnv) -> None:
    await seed_records(kit)
    await _check(
        kit,
        [
            ("title", "like", "%a", {ALPHA, BETA}),
            ("title", "like", "_eta", {BETA}),
            ("title", "like", "beta", set()),
            ("title", "like", "BETA", set()),
            ("title", "like", "B%", {BETA}),
            ("title", "like", "%", EVERYONE),
            ("title", "like", "gamma\\_1", {GAMMA}),
            ("title", "like", "gamma\\_%", {GAMMA}),
            ("title", "like", "%_1", {GAMMA}),
            ("title", "like", "%\\%", {NULLS}),
            ("title", "like", "100\\%", {NULLS}),
            ("title", "like", "10_\\%", {NULLS}),
            ("title", "like", "%漢字%", {NAIVE}),
            ("title", "like", "na_ve %", {NAIVE}),
            ("title", "like", "%🚀", {NAIVE}),
            ("title", "like", "%_🚀", {NAIVE}),
            ("title", "like", "alph", set()),
            ("title", "not_like", "%a", {GAMMA, NULLS, NAIVE}),
            ("title", "not_like", "%\\%", EVERYONE - {NULLS}),
            ("status", "like", "O%", {ALPHA, GAMMA}),
            ("status", "not_like", "O%", {BETA, NULLS, NAIVE}),
            ("kind", "like", "_", {ALPHA, BETA, GAMMA}),
            ("body", "like", "x%", {ALPHA}),
            ("body", "like", "X%", {BETA}),
            ("body", "like", "%", {ALPHA, BETA, GAMMA, NAIVE}),
            ("body", "like", "_%", {ALPHA, BETA, NAIVE}),
            ("body", "not_like", "x%", {BETA, GAMMA, NULLS, NAIVE}),
        ],
    )


@pytest.mark.anyio
async def test_filter_is_set(kit: KitEnv) -> None:
    await seed_records(kit)
    cases: list[Case] = []
    for field in ("count", "ratio", "amount", "day", "at", "clock", "status", "body"):
        cases += [(field, "is_set", None, EVERYONE - {NULLS}), (field, "is_not_set", None, {NULLS})]
    cases += [
        ("ref", "is_set", None, {ALPHA, BETA, GAMMA}),
        ("ref", "is_not_set", None, {NULLS, NAIVE}),
        ("kind", "is_not_set", None, {NULLS, NAIVE}),
        ("address", "is_set", None, {ALPHA, GAMMA}),
        ("address", "is_not_set", None, {BETA, NULLS, NAIVE}),
        ("tags", "is_set", None, EVERYONE),
        ("data", "is_not_set", None, set()),
        ("title", "is_set", None, EVERYONE),
        # "= null" and "!= null" mean is_not_set and is_set.
        ("count", "=", None, {NULLS}),
        ("count", "!=", None, EVERYONE - {NULLS}),
    ]
    await _check(kit, cases)


@pytest.mark.anyio
async def test_filter_null_semantics(kit: KitEnv) -> None:
    """``= < <= > >= in like between`` never match NULL; ``!= not_in not_like`` do."""
    await seed_records(kit)
    cases: list[Case] = [
        ("count", "!=", 99, EVERYONE),
        ("count", "not_in", [99], EVERYONE),
        ("ratio", "!=", 99.0, EVERYONE),
        ("amount", "not_in", ["99"], EVERYONE),
        ("day", "!=", "2000-01-01", EVERYONE),
        ("at", "not_in", ["2000-01-01T00:00:00Z"], EVERYONE),
        ("clock", "!=", "23:00", EVERYONE),
        ("ref", "!=", str(REF_C), EVERYONE - {GAMMA}),
        ("status", "not_like", "zzz%", EVERYONE),
        ("kind", "!=", "c", EVERYONE - {GAMMA}),
        ("body", "not_like", "nothing", EVERYONE),
        ("body", "!=", "", EVERYONE - {GAMMA}),
        ("count", ">", -1000, EVERYONE - {NULLS}),
        ("count", "<", 1000, EVERYONE - {NULLS}),
        ("count", "between", [-1000, 1000], EVERYONE - {NULLS}),
        ("status", "like", "%", EVERYONE - {NULLS}),
        ("status", "in", ["Open", "Closed"], EVERYONE - {NULLS}),
        ("day", ">=", "0001-01-01", EVERYONE - {NULLS}),
    ]
    await _check(kit, cases)


def _c(kit: KitEnv, field: str, op: str, value: Any = None) -> Condition:
    return make_condition(meta_of(kit, "KitRecord"), field, op, value)


@pytest.mark.anyio
async def test_filter_and_or_trees(kit: KitEnv) -> None:
    await seed_records(kit)
    meta = meta_of(kit, "KitRecord")
    cases: list[tuple[Filter, AbstractSet[str]]] = [
        (
            Or(
                (
                    _c(kit, "count", "=", 1),
                    And((_c(kit, "status", "=", "Closed"), _c(kit, "kind", "is_not_set"))),
                )
            ),
            {ALPHA, NAIVE},
        ),
        (
            And(
                (
                    Or((_c(kit, "count", "<", 2), _c(kit, "count", "is_not_set"))),
                    _c(kit, "flag", "=", False),
                )
            ),
            {NULLS, NAIVE},
        ),
        (
            Or(
                (
                    _c(kit, "title", "like", "a%"),
                    Or((_c(kit, "title", "like", "B%"), _c(kit, "count", "=", 3))),
                )
            ),
            {ALPHA, BETA, GAMMA},
        ),
        (And((_c(kit, "count", "!=", 1), _c(kit, "status", "!=", "Open"))), {BETA, NULLS, NAIVE}),
        (
            And(
                (
                    _c(kit, "flag", "=", True),
                    Or((_c(kit, "body", "=", ""), _c(kit, "body", "like", "X%"))),
                )
            ),
            {GAMMA},
        ),
    ]
    problems = []
    for flt, expected in cases:
        page = await kit.kernel.query(kit.admin, meta, Query(flt, limit=100))
        got = {doc.title for doc in page.items}
        async with kit.adapters.unit_of_work.transaction() as tx:
            counted = await kit.adapters.repository.count(tx, meta, flt)
        if got != expected or counted != len(expected):
            problems.append(
                f"{flt}: expected {sorted(expected)}, listed {sorted(got)}, counted {counted}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.anyio
async def test_filter_repository_conditions(kit: KitEnv) -> None:
    """The same semantics straight through the Repository (no Kernel parsing in between)."""
    await seed_records(kit)
    meta, repo = meta_of(kit, "KitRecord"), kit.adapters.repository
    cases: list[tuple[Filter, AbstractSet[str]]] = [
        (Condition("count", "!=", 2), EVERYONE - {BETA}),
        (Condition("count", "not_in", (1, 2)), {GAMMA, NULLS, NAIVE}),
        (Condition("body", "not_like", "x%"), {BETA, GAMMA, NULLS, NAIVE}),
        (Condition("count", "in", ()), set()),
        (Condition("count", "not_in", ()), EVERYONE),
        (Condition("status", "=", "Open"), {ALPHA, GAMMA}),
        (Condition("ref", "in", (REF_A, REF_B)), {ALPHA, BETA}),
        (Condition("id", "is_set"), EVERYONE),
        (Condition("name", "is_set"), EVERYONE),
    ]
    problems = []
    async with kit.adapters.unit_of_work.transaction() as tx:
        for flt, expected in cases:
            got = {r["title"] for r in await repo.list(tx, meta, query(flt))}
            counted = await repo.count(tx, meta, flt)
            if got != expected or counted != len(expected):
                problems.append(
                    f"{flt}: expected {sorted(expected)}, listed {sorted(got)}, counted {counted}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.anyio
async def test_filter_wire_formats(kit: KitEnv) -> None:
    """The Frappe wire formats parse to the same conditions and reach the adapter."""
    await seed_records(kit)

    async def listed(filters: Any) -> set[str]:
        page = await kit.kernel.list(kit.admin, KitRecord, filters=filters, limit=100)
        return {doc.title for doc in page.items}

    assert await listed({"status": "Open"}) == {ALPHA, GAMMA}
    assert await listed({"status": "Open", "kind": "c"}) == {GAMMA}
    assert await listed({"count": [">", 1]}) == {BETA, GAMMA}
    assert await listed({"count": ["not in", [1, 2]]}) == {GAMMA, NULLS, NAIVE}
    assert await listed({"count": ["is", "not set"]}) == {NULLS}
    assert await listed({"count": ["is", "set"]}) == EVERYONE - {NULLS}
    assert await listed({"count": None}) == {NULLS}
    assert await listed([["count", ">=", 2]]) == {BETA, GAMMA}
    assert await listed([["count", "<>", 2]]) == EVERYONE - {BETA}
    assert await listed([["count", "==", 2]]) == {BETA}
    assert await listed([["title", "Beta"]]) == {BETA}
    assert await listed([["KitRecord", "count", "<", 2]]) == {ALPHA, NAIVE}
    assert await listed([["status", "in", "Open, Closed"]]) == EVERYONE - {NULLS}
    assert await listed([["title", "not like", "%a"]]) == {GAMMA, NULLS, NAIVE}
    assert await listed([["count", ">", 0], ["flag", "=", True]]) == {ALPHA, GAMMA}
    assert await listed('[["day", "between", ["2024-01-01", "2024-02-01"]]]') == {ALPHA, BETA}
    assert await listed('{"title": "naïve 漢字 🚀"}') == {NAIVE}
    assert await listed(None) == EVERYONE
    assert await listed([]) == EVERYONE
    assert await kit.kernel.count(kit.admin, KitRecord, {"status": ["!=", "Open"]}) == 3


@pytest.mark.anyio
async def test_filter_unknown_field_or_operator_is_query_error(kit: KitEnv) -> None:
    await seed_records(kit)
    bad: list[Any] = [
        [["nope", "=", 1]],
        {"nope": 1},
        [["count", "~", 1]],
        [["count", "like", "1%"]],
        [["count", "=", "not a number"]],
        [["status", "=", "Bogus"]],
        [["tags", "=", "x"]],
        [["count", "in", 5]],
        [["count", "between", [1]]],
        [["count"]],
        [["OtherDocType", "count", "=", 1]],
        "[not json",
        42,
    ]
    for filters in bad:
        with pytest.raises(QueryError):
            await kit.kernel.list(kit.admin, KitRecord, filters=filters)
        with pytest.raises(QueryError):
            await kit.kernel.count(kit.admin, KitRecord, filters)
