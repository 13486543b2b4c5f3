from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from framework_m_core import DocTypeMeta
from framework_m_core.errors import QueryError
from framework_m_core.memory.filtering import like_regex, matches, sort_records
from framework_m_core.query import (
    MAX_LIMIT,
    And,
    Condition,
    OrderBy,
    build_query,
    parse_fields,
    parse_filters,
    parse_order_by,
)
from framework_m_core.testing.doctypes import KitRecord

META = DocTypeMeta.of(KitRecord)


def test_list_and_dict_wire_formats_agree() -> None:
    as_list = parse_filters(META, [["title", "=", "a"], ["count", ">", "3"]])
    as_dict = parse_filters(META, {"title": "a", "count": [">", 3]})
    as_json = parse_filters(META, '[["KitRecord", "title", "=", "a"], ["count", ">", 3]]')
    assert (
        as_list
        == as_dict
        == as_json
        == And((Condition("title", "=", "a"), Condition("count", ">", 3)))
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ([["title", "not in", "a,b"]], Condition("title", "not_in", ("a", "b"))),
        ([["title", "is", "set"]], Condition("title", "is_set")),
        ({"title": None}, Condition("title", "is_not_set")),
        (
            [["amount", "between", ["1", "2.5"]]],
            Condition("amount", "between", (Decimal(1), Decimal("2.5"))),
        ),
        ([["day", ">=", "2026-01-02"]], Condition("day", ">=", dt.date(2026, 1, 2))),
        ([["status", "=", "Open"]], Condition("status", "=", "Open")),
        ([["title", "like", "%ü_"]], Condition("title", "like", "%ü_")),
    ],
)
def test_conditions_are_normalised_and_coerced(raw: Any, expected: Condition) -> None:
    assert parse_filters(META, raw) == expected


@pytest.mark.parametrize(
    ("raw", "message", "loc"),
    [
        ([["nope", "=", 1]], "unknown field 'nope'", ["filters", 0, 0]),
        ([["title", "~", 1]], "unknown operator", ["filters", 0, 1]),
        ([["count", "=", "many"]], "bad value for 'count'", ["filters", 0, 2]),
        ([["status", "=", "Maybe"]], "bad value for 'status'", ["filters", 0, 2]),
        ([["count", "like", "1%"]], "like needs a text field", ["filters", 0, 2]),
        ([["tags", "=", "x"]], "holds JSON", ["filters", 0, 1]),
        ([["count", "between", [1]]], "between needs", ["filters", 0, 2]),
        ([["count", "in", 5]], "needs a list", ["filters", 0, 2]),
        ("[[", "not valid JSON", ["filters"]),
        (42, "must be a list or an object", ["filters"]),
        ([["title"]], "each filter must be", ["filters", 0]),
        ([["Other", "title", "=", "x"]], "names DocType", ["filters", 0]),
    ],
)
def test_bad_filters_say_which_part_is_wrong(raw: Any, message: str, loc: list[Any]) -> None:
    with pytest.raises(QueryError, match=message) as info:
        parse_filters(META, raw)
    assert info.value.errors[0]["loc"] == loc
    assert info.value.code == "invalid_query"


def test_too_many_conditions_rejected() -> None:
    with pytest.raises(QueryError, match="at most"):
        parse_filters(META, [["count", "=", i] for i in range(51)])


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000 + "]" * 100_000,  # beyond Python's recursion limit
        '[["count", "in", [[[1]]]]]',
        {"count": ["in", [[[1]]]]},
    ],
)
def test_deeply_nested_filters_are_refused(raw: Any) -> None:
    with pytest.raises(QueryError, match="nest deeper than") as caught:
        parse_filters(META, raw)
    assert caught.value.errors[0]["loc"] == ["filters"]


def test_the_deepest_accepted_filters() -> None:
    assert parse_filters(META, [["count", "in", [1, 2]]]) == Condition("count", "in", (1, 2))


@pytest.mark.parametrize("offset", [-1, 2**31, True])
def test_offset_is_bounded(offset: int) -> None:
    with pytest.raises(QueryError, match="offset"):
        build_query(META, offset=offset)


def test_order_by_and_fields() -> None:
    assert parse_order_by(META, "count desc, title") == (OrderBy("count", True), OrderBy("title"))
    assert parse_fields(META, "title,count") == ("id", "title", "count")
    assert parse_fields(META, '["title"]') == ("id", "title")
    with pytest.raises(QueryError, match=r"asc\|desc"):
        parse_order_by(META, "count sideways")
    with pytest.raises(QueryError, match="cannot order by"):
        parse_order_by(META, "tags")
    with pytest.raises(QueryError, match="unknown field"):
        parse_fields(META, ["title", "secret"])


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1, True])
def test_limit_is_bounded(limit: int) -> None:
    with pytest.raises(QueryError, match="limit"):
        build_query(META, limit=limit)


def test_sort_keys_end_with_id() -> None:
    query = build_query(META, order_by="count")
    assert query.sort_keys == (OrderBy("count"), OrderBy("id"))


def test_reference_null_semantics() -> None:
    rows = [{"title": "a", "count": None}, {"title": "b", "count": 2}]

    def titles(cond: Condition) -> list[str]:
        return [r["title"] for r in rows if matches(r, cond)]

    assert titles(Condition("count", "=", 2)) == ["b"]
    assert titles(Condition("count", "!=", 2)) == ["a"]
    assert titles(Condition("count", "<", 5)) == ["b"]
    assert titles(Condition("count", "not_in", (7,))) == ["a", "b"]
    assert [r["title"] for r in sort_records(rows, [OrderBy("count")])] == ["a", "b"]
    assert [r["title"] for r in sort_records(rows, [OrderBy("count", True)])] == ["b", "a"]


@pytest.mark.parametrize(
    ("pattern", "text", "hit"),
    [
        ("a%", "abc", True),
        ("a_c", "abc", True),
        ("a_c", "abbc", False),
        (r"100\%", "100%", True),
        (r"100\%", "1000", False),
        ("A%", "abc", False),
        ("%.%", "a.b", True),
        ("%.%", "ab", False),
        ("%ß%", "straße", True),
    ],
)
def test_like_patterns(pattern: str, text: str, hit: bool) -> None:
    assert (like_regex(pattern).fullmatch(text) is not None) is hit
