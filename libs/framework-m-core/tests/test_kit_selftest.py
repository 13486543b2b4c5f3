"""The conformance kit tested against deliberately broken adapters (it must fail loudly), against an
adapter that declares capabilities missing (visible skips with the reason), and against the healthy
in-memory reference (everything passes, nothing skipped)."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from types import ModuleType

import pytest

import framework_m_core.testing.suite as suite
from framework_m_core.testing import Capabilities
from framework_m_core.testing.adapters import CAPABILITIES

HEADER = '''
from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
from contextlib import asynccontextmanager

from framework_m_core.memory import MemoryNamingCounter, MemoryOutbox, MemoryRepository
from framework_m_core.memory.store import StoredEvent
from framework_m_core.query import And, Condition, Or
from framework_m_core.testing import AdapterSet, Capabilities, MemoryProvider
from framework_m_core.testing.suite import *  # noqa: F403


class PatchedProvider(MemoryProvider):
    """The reference adapters with one part swapped for a broken one."""

    def patch(self, adapters: AdapterSet) -> None:
        pass

    @asynccontextmanager
    async def open(self) -> AsyncIterator[AdapterSet]:
        async with MemoryProvider().open() as adapters:
            self.patch(adapters)
            yield adapters
'''

FIXTURE = """

@pytest.fixture
def framework_m_adapters():
    return Provider()
"""

SUITE_TESTS: dict[str, Callable[..., object]] = {
    name: obj
    for name, obj in vars(suite).items()
    if name.startswith("test_") and inspect.isfunction(obj)
}


def _outcomes(pytester: pytest.Pytester, provider: str, *args: str) -> dict[str, str]:
    """Run the whole kit with ``provider``; map each test name to passed/failed/skipped."""
    pytester.makepyfile(test_adapter=HEADER + textwrap.dedent(provider) + FIXTURE)
    recorder = pytester.inline_run("-p", "no:cacheprovider", *args)
    rank = {"passed": 0, "skipped": 1, "failed": 2}
    outcomes: dict[str, str] = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        name = report.nodeid.split("::")[-1].split("[")[0]
        previous = outcomes.get(name, "passed")
        outcomes[name] = max(previous, report.outcome, key=rank.__getitem__)
    return outcomes


def _failed(outcomes: dict[str, str]) -> set[str]:
    return {name for name, outcome in outcomes.items() if outcome == "failed"}


def test_every_suite_module_exports_all_its_tests() -> None:
    modules = [
        obj
        for name, obj in vars(suite).items()
        if isinstance(obj, ModuleType) and name.startswith("test_")
    ]
    assert len(modules) >= 14
    for module in modules:
        defined = {
            name
            for name, obj in vars(module).items()
            if name.startswith("test_")
            and inspect.isfunction(obj)
            and obj.__module__ == module.__name__
        }
        assert set(module.__all__) == defined, module.__name__
        assert defined <= set(SUITE_TESTS), f"{module.__name__} is not star-imported by the suite"
        for name in defined:
            marks = {m.name for m in getattr(SUITE_TESTS[name], "pytestmark", [])}
            assert "anyio" in marks, f"{name} lacks @pytest.mark.anyio"


def test_every_capability_is_needed_by_some_test() -> None:
    used = {
        capability
        for test in SUITE_TESTS.values()
        for mark in getattr(test, "pytestmark", [])
        if mark.name == "framework_m_requires"
        for capability in mark.args
    }
    assert used == set(CAPABILITIES)


def test_capabilities_need_known_names_and_reasons() -> None:
    with pytest.raises(ValueError, match="unknown capabilities"):
        Capabilities(missing={"teleportation": "not yet"})
    with pytest.raises(ValueError, match="without a reason"):
        Capabilities(missing={"cache": "  "})
    assert not Capabilities(missing={"cache": "no cache here"}).has("cache")


def test_healthy_reference_passes_everything(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_adapter=HEADER + "\n\nclass Provider(MemoryProvider):\n    pass\n" + FIXTURE
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=len(SUITE_TESTS))
    # The kit's asyncio default wins over anyio's parametrized backend fixture: one run per test.
    collected = pytester.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")
    ids = [line for line in collected.outlines if "::test_" in line]
    assert len(ids) == len(SUITE_TESTS)
    assert not [line for line in ids if "[" in line]


def test_missing_capabilities_are_visible_skips(pytester: pytest.Pytester) -> None:
    provider = """
        class Provider(MemoryProvider):
            capabilities = Capabilities(
                missing={
                    "unique_together": "the store has no composite unique indexes",
                    "event_bus": "this package ships no event bus",
                }
            )
    """
    pytester.makepyfile(test_adapter=HEADER + textwrap.dedent(provider) + FIXTURE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    needing = {
        name
        for name, test in SUITE_TESTS.items()
        for mark in getattr(test, "pytestmark", [])
        if mark.name == "framework_m_requires" and {"unique_together", "event_bus"} & set(mark.args)
    }
    assert len(needing) >= 5
    result.assert_outcomes(passed=len(SUITE_TESTS) - len(needing), skipped=len(needing))
    for line in (
        "SKIPPED*adapter lacks capability 'unique_together': the store has no composite unique indexes",
        "SKIPPED*adapter lacks capability 'event_bus': this package ships no event bus",
    ):
        result.stdout.fnmatch_lines([line])


def test_repository_whose_negations_skip_nulls_fails(pytester: pytest.Pytester) -> None:
    provider = """
        def blind(flt):
            if isinstance(flt, Condition) and flt.op in ("!=", "not_in", "not_like"):
                return And((flt, Condition(flt.field, "is_set")))
            if isinstance(flt, (And, Or)):
                return type(flt)(tuple(blind(f) for f in flt.items))
            return flt


        class NullBlindRepository(MemoryRepository):
            async def list(self, tx, meta, query):
                return await super().list(tx, meta, dataclasses.replace(query, filters=blind(query.filters)))

            async def count(self, tx, meta, filters, *, include_deleted=False):
                return await super().count(tx, meta, blind(filters), include_deleted=include_deleted)


        class Provider(PatchedProvider):
            def patch(self, adapters):
                adapters.repository = NullBlindRepository()
    """
    failed = _failed(_outcomes(pytester, provider))
    assert {
        "test_filter_null_semantics",
        "test_filter_equality_operators",
        "test_filter_in_and_between",
        "test_filter_like",
        "test_filter_repository_conditions",
        "test_filter_and_or_trees",
    } <= failed
    assert "test_create_then_get_by_id_and_by_name" not in failed


def test_repository_that_ignores_expected_version_fails(pytester: pytest.Pytester) -> None:
    provider = """
        class LastWriteWinsRepository(MemoryRepository):
            async def _actual(self, tx, meta, id):
                row = await self.get(tx, meta, id)
                return None if row is None else row["version"]

            async def update(self, tx, meta, record, *, expected_version):
                actual = await self._actual(tx, meta, record["id"])
                await super().update(tx, meta, record, expected_version=actual or expected_version)

            async def mark_deleted(self, tx, meta, id, *, expected_version, at):
                actual = await self._actual(tx, meta, id)
                await super().mark_deleted(tx, meta, id, expected_version=actual or expected_version, at=at)


        class Provider(PatchedProvider):
            def patch(self, adapters):
                adapters.repository = LastWriteWinsRepository()
    """
    failed = _failed(_outcomes(pytester, provider, "-k", "repository or occ"))
    assert failed == {"test_repository_update_with_stale_version_conflicts"}


def test_naming_counter_that_races_fails(pytester: pytest.Pytester) -> None:
    provider = """
        class RacyNamingCounter(MemoryNamingCounter):
            async def next(self, key):
                value = await self.current(key) + 1
                await asyncio.sleep(0)  # another caller reads the same value meanwhile
                self._values[key] = value
                return value


        class Provider(PatchedProvider):
            def patch(self, adapters):
                adapters.naming_counter = RacyNamingCounter()
    """
    failed = _failed(_outcomes(pytester, provider, "-k", "naming"))
    assert "test_naming_counter_is_atomic_under_concurrency" in failed


def test_outbox_outside_the_transaction_fails(pytester: pytest.Pytester) -> None:
    provider = """
        class LeakyOutbox(MemoryOutbox):
            async def append(self, tx, events):
                self.store.outbox.extend(StoredEvent(e, committed=True) for e in events)


        class Provider(PatchedProvider):
            def patch(self, adapters):
                adapters.outbox = LeakyOutbox(adapters.outbox.store)
    """
    failed = _failed(_outcomes(pytester, provider, "-k", "transaction or outbox"))
    # The Kernel appends an operation's events once its hooks have succeeded, so hook failures never
    # reach the outbox; the tests that write to the outbox inside a failing transaction catch the leak.
    assert {
        "test_transaction_explicit_error_rolls_back_records_and_outbox",
        "test_outbox_uncommitted_events_are_not_pending",
    } <= failed
    assert "test_outbox_pending_and_mark_published" not in failed


def test_differential_test_catches_a_semantic_difference(pytester: pytest.Pytester) -> None:
    """Sorting NULLs last when ascending is wrong; the property-based comparison must notice."""
    provider = """
        import functools


        def nulls_high(a, b):
            if a is None or b is None:
                return (a is None) - (b is None)
            return (a > b) - (a < b)


        class NullsHighRepository(MemoryRepository):
            async def list(self, tx, meta, query):
                everything = dataclasses.replace(query, limit=10**9, offset=0, fields=None)
                rows = await super().list(tx, meta, everything)

                def compare(x, y):
                    for key in query.sort_keys:
                        result = nulls_high(x.get(key.field), y.get(key.field))
                        if result:
                            return -result if key.descending else result
                    return 0

                rows.sort(key=functools.cmp_to_key(compare))
                page = rows[query.offset : query.offset + query.limit]
                if query.fields is None:
                    return page
                return [{f: r.get(f) for f in query.fields} for r in page]


        class Provider(PatchedProvider):
            def patch(self, adapters):
                adapters.repository = NullsHighRepository()
    """
    outcomes = _outcomes(pytester, provider, "-k", "differential or order", "--hypothesis-seed=0")
    assert outcomes["test_differential_against_reference"] == "failed"
    assert "test_order_by_every_orderable_kind" in _failed(outcomes)
