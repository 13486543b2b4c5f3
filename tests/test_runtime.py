"""Start the framework the way every interface does: installed entry points plus settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework_m import AdapterError, App, CallerContext, DocType
from framework_m_core.composition import Settings, start_runtime
from framework_m_core.memory import MemoryRepository
from framework_m_standard.sql import SqlRepository


class Memo(DocType):
    text: str = ""


ADMIN = CallerContext.for_user("root", "Administrator")
PERSISTENCE = ("repository", "unit_of_work", "schema_manager", "naming_counter", "outbox")


def sqlite_settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings.model_validate(
        {"database": {"url": f"sqlite:///{tmp_path}/app.sqlite3"}, **extra}
    )


@pytest.mark.anyio
async def test_defaults_are_the_sql_adapters_on_sqlite(tmp_path: Path) -> None:
    async with await start_runtime(
        sqlite_settings(tmp_path), apps=[App(name="memos", doctypes=[Memo])]
    ) as rt:
        assert [s.name for s in rt.steps] == ["sync_schema", "identity_roles"]
        assert isinstance(rt.kernel.repository, SqlRepository)
        memo = await rt.kernel.create(ADMIN, Memo, {"text": "hello"})
        assert (await rt.kernel.get(ADMIN, Memo, memo.id)).text == "hello"
        reasons = {c.port: (c.name, c.reason) for c in rt.container.choices()}
        assert reasons["repository"] == ("default", "default")
    assert (tmp_path / "app.sqlite3").is_file()


@pytest.mark.anyio
async def test_configuration_pins_the_in_memory_adapters() -> None:
    settings = Settings(adapters=dict.fromkeys(PERSISTENCE, "memory"))
    async with await start_runtime(settings, apps=[App(name="memos", doctypes=[Memo])]) as rt:
        assert isinstance(rt.kernel.repository, MemoryRepository)
        assert (await rt.kernel.create(ADMIN, Memo, {"text": "x"})).version == 1


@pytest.mark.anyio
async def test_disabled_sync_schema_leaves_storage_missing(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path, bootstrap_disabled=["sync_schema", "identity_roles"])
    async with await start_runtime(settings, apps=[App(name="memos", doctypes=[Memo])]) as rt:
        assert rt.steps == []
        with pytest.raises(AdapterError, match="no storage for DocType 'Memo'"):
            await rt.kernel.create(ADMIN, Memo, {})
