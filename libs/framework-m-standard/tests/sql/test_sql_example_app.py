"""The invoicing example of the docs runs unchanged on SQLite and on PostgreSQL.

``docs/examples/invoicing.py`` walks through create, update with a stale version, submit, cancel,
amend, permissions and RPC; started through ``start_runtime`` with a database URL it must give the same
result as on the in-memory adapters (``tests/examples/test_invoicing.py``).
"""

from __future__ import annotations

from types import ModuleType

import pytest

from framework_m_core.composition import Settings, start_runtime
from framework_m_standard.sql import SqlRepository


@pytest.mark.anyio
async def test_invoicing_example_runs_unchanged(
    database_url: str, invoicing_example: ModuleType
) -> None:
    example = invoicing_example
    settings = Settings.model_validate({"database": {"url": database_url}})
    async with await start_runtime(settings, apps=[example.app]) as runtime:
        assert isinstance(runtime.kernel.repository, SqlRepository)
        result = await example.main(runtime.kernel)
    assert result == {
        "stale_update": "version_conflict",
        "stranger": "permission_denied",
        "bob_sees": 0,
        "manager_sees": 2,
        "amended": result["amended"],
        "summary": result["summary"],
    }
    assert str(result["amended"]).startswith("INV-")
    assert str(result["amended"]).endswith("-0001-1")
    assert str(result["summary"]).endswith(": 5.00 USD")
