"""Start-up on an up-to-date database skips the schema comparison and never loads SQLAlchemy or
Alembic (they do schema work only); a changed DocType is still compared and applied. Documents are
written and read without them too, and a PostgreSQL process never loads SQLite's driver: each is
memory every server process would keep."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from framework_m_standard.sql.testing import postgres_database

SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from framework_m import App, DocType, SystemContext
    from framework_m_core.composition import Settings, start_runtime

    class Note(DocType):
        text: str
        {extra}

    async def main() -> None:
        settings = Settings.model_validate({{"database": {{"url": sys.argv[1]}}}})
        runtime = await start_runtime(settings, apps=[App(name="notes", doctypes=[Note])])
        system = SystemContext("test")
        note = await runtime.kernel.create(system, Note, {{"text": "hello"}})
        await runtime.kernel.update(system, Note, note.id, {{"text": "hi"}})
        assert [n.text for n in (await runtime.kernel.list(system, Note)).items][-1:] == ["hi"]
        await runtime.aclose()
        print(" ".join(m for m in {watched} if m in sys.modules))

    asyncio.run(main())
""")


WATCHED = ("alembic", "sqlalchemy", "greenlet", "sqlite3", "aiosqlite")


def _loaded(tmp_path: Path, url: str, extra: str = "") -> set[str]:
    """Which of WATCHED a start-up (in a process of its own) loaded."""
    script = tmp_path / "start.py"
    script.write_text(SCRIPT.format(extra=extra, watched=WATCHED))
    out = subprocess.run(
        [sys.executable, str(script), url], capture_output=True, text=True, timeout=120, check=True
    )
    lines = out.stdout.splitlines()
    return set(lines[-1].split()) if lines else set()


def _start(tmp_path: Path, url: str, extra: str = "") -> bool:
    """Whether the start-up compared the schema (SQLAlchemy and Alembic loaded, or neither)."""
    loaded = _loaded(tmp_path, url, extra)
    assert {"sqlite3", "aiosqlite"} <= loaded  # the driver in use
    assert ("alembic" in loaded) == ("sqlalchemy" in loaded), loaded
    return "alembic" in loaded


def test_a_start_on_an_unchanged_schema_skips_the_comparison(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/notes.sqlite3"
    assert _start(tmp_path, url) is True  # first start: tables compared and created
    assert _start(tmp_path, url) is False  # same DocTypes: fingerprint found, Alembic never loaded
    # A new field: compared again and the column added, then skipped again.
    assert _start(tmp_path, url, "tag: str | None = None") is True
    assert _start(tmp_path, url, "tag: str | None = None") is False
    import sqlite3

    with sqlite3.connect(tmp_path / "notes.sqlite3") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(note)")}
        fingerprints = db.execute("SELECT count(*) FROM fm_schema_state").fetchone()
    assert "tag" in columns
    assert fingerprints == (2,)


@pytest.mark.anyio
async def test_a_postgresql_process_loads_neither_sqlalchemy_nor_sqlite(
    tmp_path: Path, postgres_url: str
) -> None:
    async with postgres_database(postgres_url) as url:
        assert {"alembic", "sqlalchemy"} <= _loaded(tmp_path, url)  # creates the tables
        assert _loaded(tmp_path, url) == set()
