"""Start the framework the way every interface does, from installed entry points and settings."""

from __future__ import annotations

import pytest

from framework_m import App, CallerContext, DocType
from framework_m_core.composition import Settings, start_runtime
from framework_m_core.memory import MemoryRepository


class Memo(DocType):
    text: str = ""


@pytest.mark.anyio
async def test_start_runtime_with_defaults_runs_sync_schema() -> None:
    runtime = await start_runtime(Settings(), apps=[App(name="memos", doctypes=[Memo])])
    assert [s.name for s in runtime.steps] == ["sync_schema"]
    assert isinstance(runtime.kernel.repository, MemoryRepository)
    admin = CallerContext.for_user("root", "Administrator")
    memo = await runtime.kernel.create(admin, Memo, {"text": "hello"})
    assert (await runtime.kernel.get(admin, Memo, memo.id)).text == "hello"
    assert {c.port for c in runtime.container.choices()} >= {"repository", "unit_of_work", "outbox"}


@pytest.mark.anyio
async def test_disabled_sync_schema_leaves_storage_missing() -> None:
    from framework_m import AdapterError

    runtime = await start_runtime(
        Settings(bootstrap_disabled=["sync_schema"]), apps=[App(name="memos", doctypes=[Memo])]
    )
    assert runtime.steps == []
    with pytest.raises(AdapterError, match="no storage for DocType 'Memo'"):
        await runtime.kernel.create(CallerContext.for_user("root", "Administrator"), Memo, {})
