"""``build_kernel``: one adapter set in, a working Kernel out, with the same defaults for every harness."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from framework_m_core import (
    App,
    DocType,
    DomainEvent,
    MetaRegistry,
    RolePermissionPolicy,
    SystemContext,
)
from framework_m_core.builtin import app as core_app
from framework_m_core.memory import (
    FrozenClock,
    MemoryCache,
    MemoryEventBus,
    MemoryJobQueue,
    MemoryNamingCounter,
    MemoryPersistence,
    SequentialIdGenerator,
    SystemClock,
    UUID7Generator,
)
from framework_m_core.query import MAX_LIMIT
from framework_m_core.testing import AdapterSet, build_kernel


class Memo(DocType):
    text: str = ""


REGISTRY = MetaRegistry([core_app, App(name="memos", doctypes=[Memo])])


def bare_set(**optional: object) -> AdapterSet:
    """The persistence ports only, plus whatever optional ports are given."""
    persistence = MemoryPersistence()
    return AdapterSet(
        repository=persistence.repository,
        unit_of_work=persistence.unit_of_work,
        schema_manager=persistence.schema_manager,
        naming_counter=MemoryNamingCounter(),
        outbox=persistence.outbox,
        **optional,  # type: ignore[arg-type]
    )


def test_a_set_without_an_event_bus_gets_one_and_defaults_fill_the_rest() -> None:
    adapters = bare_set()
    kernel = build_kernel(REGISTRY, adapters)
    assert kernel.registry is REGISTRY
    assert kernel.repository is adapters.repository
    assert kernel.scopes.unit_of_work is adapters.unit_of_work
    assert kernel.schema_manager is adapters.schema_manager
    assert kernel.naming_counter is adapters.naming_counter
    assert kernel.outbox is adapters.outbox
    assert isinstance(kernel.event_bus, MemoryEventBus)
    assert kernel.scopes.event_bus is kernel.event_bus
    assert isinstance(kernel.permission, RolePermissionPolicy)
    assert isinstance(kernel.clock, SystemClock)
    assert isinstance(kernel.ids, UUID7Generator)
    assert kernel.cache is None
    assert kernel.job_queue is None
    assert kernel.max_limit == MAX_LIMIT


def test_what_the_set_and_the_caller_give_is_used_as_given() -> None:
    bus, cache = MemoryEventBus(), MemoryCache()
    adapters = bare_set(event_bus=bus, cache=cache)
    clock, ids, permission, jobs = (
        FrozenClock(),
        SequentialIdGenerator(),
        RolePermissionPolicy(),
        MemoryJobQueue(),
    )
    kernel = build_kernel(
        REGISTRY,
        adapters,
        clock=clock,
        ids=ids,
        permission=permission,
        job_queue=jobs,
        max_limit=50,
    )
    assert kernel.event_bus is bus
    assert kernel.cache is cache
    assert kernel.clock is clock
    assert kernel.ids is ids
    assert kernel.permission is permission
    assert kernel.job_queue is jobs
    assert kernel.max_limit == 50


@pytest.mark.anyio
async def test_the_built_kernel_writes_reads_and_publishes_on_its_default_bus() -> None:
    start = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    kernel = build_kernel(REGISTRY, bare_set(), clock=FrozenClock(start))
    assert isinstance(kernel.event_bus, MemoryEventBus)
    seen: list[str] = []

    async def note(event: DomainEvent) -> None:
        seen.append(event.type)

    await kernel.event_bus.subscribe("doc.Memo.>", note)
    await kernel.sync_schema()
    system = SystemContext("test")
    memo = await kernel.create(system, Memo, {"text": "hello"})
    assert (await kernel.get(system, Memo, memo.id)).text == "hello"
    assert memo.creation == start
    assert seen == ["created"]


def test_the_builder_loads_neither_pytest_nor_hypothesis() -> None:
    code = (
        "import sys, json\n"
        "from framework_m_core.testing import build_kernel\n"
        "from framework_m_core import in_memory_kernel\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert "framework_m_core" in loaded
    assert loaded.isdisjoint({"pytest", "_pytest", "hypothesis"}), loaded
