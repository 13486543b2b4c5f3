"""Start-up steps: collected from installed distributions' ``framework_m.bootstrap`` entry points,
run in order then by name, overridden, disabled, and refused when they clash, lack an order or fail.

Steps are installed the way a package installs them (the ``install`` fixture writes a real
``*.dist-info``); the step classes they name live in composition_fakes.py.
"""

from __future__ import annotations

import pytest

from framework_m_core.composition import Settings, collect_steps, run_bootstrap
from framework_m_core.errors import ConfigurationError

from .composition_fakes import Install

STEPS = """
    [framework_m.bootstrap]
    start_relay = fixtures:StartRelay
    sync_schema = fixtures:SyncSchema
    a_step = fixtures:AlsoTwenty
"""


@pytest.mark.anyio
async def test_steps_run_in_order_then_name(install: Install) -> None:
    steps = collect_steps(Settings(), install("framework-m-standard", "0.1.0", STEPS))
    ran: list[str] = []

    await run_bootstrap(steps, ran)

    assert ran == ["sync_schema@SyncSchema", "a_step@AlsoTwenty", "start_relay@StartRelay"]
    assert "framework-m-standard 0.1.0" in steps[0].source


@pytest.mark.anyio
async def test_a_step_with_overrides_replaces_the_same_name(install: Install) -> None:
    eps = install("framework-m-standard", "0.1.0", STEPS) + install(
        "framework-mx-mongo",
        "0.1.0",
        "[framework_m.bootstrap]\nsync_schema = fixtures:MongoSyncSchema\n",
    )
    ran: list[str] = []

    await run_bootstrap(collect_steps(Settings(), eps), ran)

    assert ran[0] == "sync_schema@MongoSyncSchema"
    assert len(ran) == 3


def test_disabled_steps_are_skipped_and_unknown_names_rejected(install: Install) -> None:
    eps = install("framework-m-standard", "0.1.0", STEPS)

    steps = collect_steps(Settings(bootstrap_disabled=["start_relay"]), eps)
    assert [s.name for s in steps] == ["sync_schema", "a_step"]

    with pytest.raises(ConfigurationError, match=r"unknown step.*start_rleay"):
        collect_steps(Settings(bootstrap_disabled=["start_rleay"]), eps)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("SyncSchema", "SyncSchema", "two bootstrap steps are named 'sync_schema'"),
        ("MongoSyncSchema", "OtherSyncSchema", "bootstrap step 'sync_schema' is overridden twice"),
    ],
)
def test_conflicting_steps_name_both_sources(
    install: Install, first: str, second: str, expected: str
) -> None:
    eps = install("pkg-one", "1.0", f"[framework_m.bootstrap]\nsync_schema = fixtures:{first}\n")
    eps += install("pkg-two", "2.0", f"[framework_m.bootstrap]\nsync_schema = fixtures:{second}\n")

    with pytest.raises(ConfigurationError, match=expected) as caught:
        collect_steps(Settings(), eps)

    assert "pkg-one 1.0" in caught.value.message
    assert "pkg-two 2.0" in caught.value.message


def test_a_step_without_order_is_rejected(install: Install) -> None:
    eps = install("pkg", "1.0", "[framework_m.bootstrap]\nno_order = fixtures:NoOrder\n")

    with pytest.raises(ConfigurationError, match="has no integer 'order'"):
        collect_steps(Settings(), eps)


@pytest.mark.anyio
async def test_a_failing_step_stops_start_up_and_names_itself(install: Install) -> None:
    eps = install("pkg", "1.0", "[framework_m.bootstrap]\nexplode = fixtures:Exploding\n")

    with pytest.raises(RuntimeError, match="boom") as caught:
        await run_bootstrap(collect_steps(Settings(), eps), [])

    assert any("bootstrap step 'explode'" in note for note in caught.value.__notes__)
