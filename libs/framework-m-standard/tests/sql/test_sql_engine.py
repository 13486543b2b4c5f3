"""The engine schema work runs on (``sqlalchemy.ext.asyncio``, set up by ``schema_engine``): results
readable after the call, transactions that commit or roll back as promised, SQLite writers that take
the write lock up front, and connections that always go back — also when the task using one is
cancelled — on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from framework_m_standard.sql._schema.engine import WRITE_OPTION, driver_connection, schema_engine
from framework_m_standard.sql.config import normalise_url

pytestmark = pytest.mark.anyio

NOTES = sa.Table(
    "engine_note",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("text", sa.String(50), nullable=False),
)


_CHECKED_OUT: dict[int, int] = {}


def checked_out(engine: AsyncEngine) -> int:
    """Connections handed out and not yet given back (schema engines have no pool to ask: each
    connection is closed when given back)."""
    return _CHECKED_OUT[id(engine.sync_engine)]


def _count_checkouts(engine: AsyncEngine) -> None:
    key = id(engine.sync_engine)
    _CHECKED_OUT[key] = 0

    @event.listens_for(engine.sync_engine, "checkout")
    def out(*_: object) -> None:
        _CHECKED_OUT[key] += 1

    @event.listens_for(engine.sync_engine, "checkin")
    def back(*_: object) -> None:
        _CHECKED_OUT[key] -= 1


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = schema_engine(normalise_url(database_url), {})
    _count_checkouts(engine)
    async with engine.begin() as conn:
        await conn.run_sync(NOTES.create)
    try:
        yield engine
    finally:
        await engine.dispose()


async def texts(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        result = await conn.execute(sa.select(NOTES.c.text).order_by(NOTES.c.id))
        return list(result.scalars())


def test_a_synchronous_driver_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unsupported database URL scheme 'sqlite\+pysqlite'"):
        normalise_url("sqlite+pysqlite:///:memory:")


async def test_results_are_read_after_the_call(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.insert(NOTES), [{"id": 1, "text": "a"}, {"id": 2, "text": "b"}])
        rows = await conn.execute(sa.select(NOTES).order_by(NOTES.c.id))
        assert await conn.scalar(sa.select(sa.func.count()).select_from(NOTES)) == 2
        raw = await conn.exec_driver_sql("SELECT text FROM engine_note WHERE id = 2")
        updated = await conn.execute(sa.update(NOTES).values(text="c"))
    # Read once the block (and its connection) is gone: the rows were buffered.
    assert [tuple(r) for r in rows] == [(1, "a"), (2, "b")]
    assert raw.scalar_one() == "b"
    assert updated.rowcount == 2
    assert checked_out(engine) == 0


async def test_a_transaction_commits_or_rolls_back(engine: AsyncEngine) -> None:
    async with engine.connect() as conn, conn.begin():
        await conn.execute(sa.insert(NOTES).values(id=1, text="kept"))
    with pytest.raises(RuntimeError):  # noqa: PT012 - the block is what is tested
        async with engine.begin() as conn:
            await conn.execute(sa.insert(NOTES).values(id=2, text="lost"))
            raise RuntimeError
    async with engine.connect() as conn:
        await conn.begin()
        await conn.execute(sa.insert(NOTES).values(id=3, text="lost too"))
        await conn.rollback()
    async with engine.connect() as conn:
        await conn.begin()
        await conn.execute(sa.insert(NOTES).values(id=4, text="kept too"))
        await conn.commit()
    assert await texts(engine) == ["kept", "kept too"]
    assert checked_out(engine) == 0


async def test_a_failed_commit_still_returns_the_connection(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a constraint checked at COMMIT; SQLite defers only foreign keys")
    async with engine.begin() as conn:
        await conn.exec_driver_sql(
            "CREATE TABLE engine_deferred (id INTEGER, UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)"
        )
    async with engine.connect() as conn:
        await conn.begin()
        await conn.exec_driver_sql("INSERT INTO engine_deferred VALUES (1), (1)")
        with pytest.raises(sa.exc.IntegrityError):
            await conn.commit()
    assert checked_out(engine) == 0
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM engine_deferred")) == 0


async def test_writers_begin_with_the_write_lock_on_sqlite(engine: AsyncEngine) -> None:
    begun: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("BEGIN"):
            begun.append(statement)

    async with engine.connect() as conn, conn.begin():
        await conn.execute(sa.select(NOTES))
    async with engine.connect() as conn:
        await conn.execution_options(**{WRITE_OPTION: True})
        async with conn.begin():
            await conn.execute(sa.insert(NOTES).values(id=1, text="w"))
    expected = ["BEGIN", "BEGIN IMMEDIATE"] if engine.dialect.name == "sqlite" else []
    assert begun == expected  # PostgreSQL: asyncpg begins transactions itself


async def test_the_driver_connection_survives_an_invalidation(engine: AsyncEngine) -> None:
    expected = "asyncpg" if engine.dialect.name == "postgresql" else "aiosqlite"
    async with engine.connect() as conn:
        driver = await driver_connection(conn)
        assert type(driver).__module__.startswith(expected)
        await conn.invalidate()
        replacement = await driver_connection(conn)  # reconnects
        assert replacement is not driver
        assert await conn.scalar(sa.select(sa.literal(1))) == 1


async def test_a_cancelled_task_returns_its_connection(engine: AsyncEngine) -> None:
    entered = asyncio.Event()

    async def hold() -> None:
        async with engine.connect() as conn:
            await conn.execute(sa.select(NOTES))
            entered.set()
            await asyncio.sleep(3600)

    task = asyncio.ensure_future(hold())
    await entered.wait()
    task.cancel()
    await asyncio.sleep(0)
    task.cancel()  # a second cancellation while the connection is being closed
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):  # the close runs shielded: it may finish just after the task
        if checked_out(engine) == 0:
            break
        await asyncio.sleep(0.01)
    assert checked_out(engine) == 0
