from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from framework_m_core.errors import ConfigurationError
from framework_m_core.memory import MemoryNamingCounter
from framework_m_core.naming import parse_naming, render_series

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def _render(spec: str, counter: MemoryNamingCounter, **values: str) -> str:
    async def value_of(field: str) -> str:
        return values[field]

    return await render_series(parse_naming(spec), now=NOW, counter=counter, value_of=value_of)


@pytest.mark.parametrize(
    ("spec", "kind"),
    [
        ("uuid", "uuid"),
        ("prompt", "prompt"),
        ("field:title", "field"),
        ("INV-.####", "series"),
        ("series:INV-.YY.-.###", "series"),
        ("format:{customer}-{####}", "series"),
    ],
)
def test_rules_parse(spec: str, kind: str) -> None:
    assert parse_naming(spec).kind == kind


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("INV-.YYYY.", "exactly one counter"),
        ("INV-.##.-.##", "exactly one counter"),
        ("format:{customer}", "exactly one counter"),
        ("format:{9x}-{###}", "not a field"),
        ("field:not a field", "not a field name"),
        ("whatever", "unknown naming rule"),
    ],
)
def test_bad_rules_name_the_problem(spec: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_naming(spec)


@pytest.mark.anyio
async def test_series_tokens_and_per_prefix_counters() -> None:
    counter = MemoryNamingCounter()
    assert await _render("INV-.YYYY.-.MM.-.DD.-.####", counter) == "INV-2026-11-02-0001"
    assert await _render("INV-.YYYY.-.MM.-.DD.-.####", counter) == "INV-2026-11-02-0002"
    assert await _render("INV-.YY.-.####", counter) == "INV-26-0001"
    assert await counter.current("INV-2026-11-02-####") == 2


@pytest.mark.anyio
async def test_format_uses_fields_and_counts_per_value() -> None:
    counter = MemoryNamingCounter()
    assert (
        await _render("format:{customer}-{YYYY}-{###}", counter, customer="ACME") == "ACME-2026-001"
    )
    assert (
        await _render("format:{customer}-{YYYY}-{###}", counter, customer="ACME") == "ACME-2026-002"
    )
    assert (
        await _render("format:{customer}-{YYYY}-{###}", counter, customer="Initech")
        == "Initech-2026-001"
    )


@pytest.mark.anyio
async def test_counter_overflows_its_width_rather_than_wrapping() -> None:
    counter = MemoryNamingCounter()
    names = [await _render("X-.#", counter) for _ in range(11)]
    assert names[-1] == "X-11"
    assert len(set(names)) == 11


@pytest.mark.anyio
async def test_concurrent_renders_are_unique() -> None:
    counter = MemoryNamingCounter()
    names = await asyncio.gather(*(_render("N-.#####", counter) for _ in range(200)))
    assert len(set(names)) == 200
