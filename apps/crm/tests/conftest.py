"""Fixtures of the CRM app's tests. Every test that takes ``kernel`` runs twice: on the in-memory
adapters and on SQLite, which proves the DocTypes map to SQL and behave the same there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crm import Customer, Item, app
from framework_m import Kernel, SystemContext, in_memory_kernel
from framework_m_core.memory.clock import FrozenClock
from framework_m_standard.sql.testing import SqliteProvider, open_kernel

NOW = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)
"""The frozen "now" of every test kernel: invoices are named SINV-2026-…"""


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (the backend every adapter supports)."""
    return "asyncio"


@pytest.fixture(params=["memory", "sqlite"])
async def kernel(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Kernel]:
    """A Kernel with only the CRM app installed, over fresh storage, its clock frozen at ``NOW``."""
    clock = FrozenClock(NOW)
    if request.param == "memory":
        yield await in_memory_kernel([app], clock=clock)
        return
    async with open_kernel(SqliteProvider(tmp_path), [app], clock=clock) as sql:
        yield sql.kernel


@pytest.fixture
async def masters(kernel: Kernel) -> tuple[Customer, Item, Item]:
    """Reference data most invoice tests bill against: customer Acme, items BOLT (0.25) and NUT (0.10)."""
    system = SystemContext("test data")
    acme = await kernel.create(system, Customer, {"customer_name": "Acme"})
    bolt, nut = await kernel.insert_many(
        system,
        Item,
        [
            {"item_code": "BOLT", "item_name": "Bolt M8", "standard_rate": "0.25"},
            {"item_code": "NUT", "item_name": "Nut M8", "standard_rate": "0.10", "uom": "Box"},
        ],
    )
    return acme, bolt, nut
