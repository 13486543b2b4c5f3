"""``SqlEngine``/``SqlConnection``, the asyncio face of SQLAlchemy Core the SQL adapters run on: results
readable after the call, transactions that commit or roll back as promised, and connections that always
go back to the pool — also when the task using one is cancelled — on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from framework_m_standard.sql.config import normalise_url
from framework_m_standard.sql.engine import SqlEngine, create_engine

pytestmark = pytest.mark.anyio

NOTES = sa.Table(
    "engine_note",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("text", sa.String(50), nullable=False),
)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[SqlEngine]:
    engine = create_engine(normalise_url(database_url))
    async with engine.begin() as conn:
        await conn.run_sync(NOTES.create)
    try:
        yield engine
    finally:
        await engine.dispose()


async def texts(engine: SqlEngine) -> list[str]:
    async with engine.connect() as conn:
        result = await conn.execute(sa.select(NOTES.c.text).order_by(NOTES.c.id))
        return list(result.scalars())


def test_a_synchronous_driver_is_refused() -> None:
    with pytest.raises(ValueError, match=r"sqlite\+pysqlite is not an asyncio driver"):
        create_engine("sqlite:///:memory:")


async def test_results_are_read_after_the_call(engine: SqlEngine) -> None:
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
    assert engine.pool.checkedout() == 0


async def test_a_transaction_commits_or_rolls_back(engine: SqlEngine) -> None:
    async with engine.connect() as conn, conn.transaction():
        await conn.execute(sa.insert(NOTES).values(id=1, text="kept"))
    with pytest.raises(RuntimeError):  # noqa: PT012 - the block is what is tested
        async with engine.begin() as conn:
            await conn.execute(sa.insert(NOTES).values(id=2, text="lost"))
            raise RuntimeError
    conn = await engine.connect(begin=True)
    await conn.execute(sa.insert(NOTES).values(id=3, text="lost too"))
    await conn.finish(commit=False)
    conn = await engine.connect(begin=True)
    await conn.execute(sa.insert(NOTES).values(id=4, text="kept too"))
    await conn.finish(commit=True)
    assert await texts(engine) == ["kept", "kept too"]
    assert engine.pool.checkedout() == 0


async def test_a_failed_commit_still_returns_the_connection(engine: SqlEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a constraint checked at COMMIT; SQLite defers only foreign keys")
    async with engine.begin() as conn:
        await conn.exec_driver_sql(
            "CREATE TABLE engine_deferred (id INTEGER, UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)"
        )
    conn = await engine.connect(begin=True)
    await conn.exec_driver_sql("INSERT INTO engine_deferred VALUES (1), (1)")
    with pytest.raises(sa.exc.IntegrityError):
        await conn.finish(commit=True)
    assert engine.pool.checkedout() == 0
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM engine_deferred")) == 0


async def test_options_are_set_at_check_out(engine: SqlEngine) -> None:
    conn = await engine.connect({"framework_m_tag": "x"})
    try:
        assert conn.sync_connection.get_execution_options()["framework_m_tag"] == "x"
        assert not conn.sync_connection.in_transaction()
        await conn.execution_options(framework_m_tag="y")
        assert conn.sync_connection.get_execution_options()["framework_m_tag"] == "y"
    finally:
        await conn.close()


async def test_the_driver_connection_survives_an_invalidation(engine: SqlEngine) -> None:
    expected = "asyncpg" if engine.dialect.name == "postgresql" else "aiosqlite"
    async with engine.connect() as conn:
        driver = await conn.driver_connection()
        assert type(driver).__module__.startswith(expected)
        await conn.invalidate()
        replacement = await conn.driver_connection()  # reconnects (I/O: through the greenlet)
        assert replacement is not driver
        assert await conn.scalar(sa.select(sa.literal(1))) == 1


async def test_a_cancelled_task_returns_its_connection(engine: SqlEngine) -> None:
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
    assert engine.pool.checkedout() == 0
