"""The connection pools keep what ``[database]`` promises. PostgreSQL's (asyncpg's): connections kept
while in use and closed after ``pool_idle_timeout``, so steady load opens none; SQLite's: idle
connections up to ``pool_size``, overflow ones closed on return. Both: checkouts bounded by
``pool_timeout``, ``pool_recycle`` and ``pool_pre_ping`` replacing old or dead connections, nothing
returned half-way through a transaction reused as it is. Checked against a real PostgreSQL, counting
its server processes and the sessions it saw."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest

from framework_m_core import AdapterError
from framework_m_standard.sql import DatabaseConfig, SqlDatabase
from framework_m_standard.sql._request.connections import Connection
from framework_m_standard.sql._request.errors import DriverError
from framework_m_standard.sql._request.pool import Pool, PoolLimits
from framework_m_standard.sql._request.statements import Runner, Statement
from framework_m_standard.sql.testing import admin, postgres_database

pytestmark = pytest.mark.anyio


@pytest.fixture
def tag() -> str:
    """An ``application_name`` marking this test's server processes."""
    return f"fm_pool_{uuid.uuid4().hex[:10]}"


async def _backends(url: str, tag: str) -> int:
    (count,) = await admin(
        url, f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{tag}'"
    )
    return int(count)


async def _settled_backends(url: str, tag: str, expected: int) -> int:
    """The number of server processes once it reaches ``expected`` (closing is asynchronous on the
    server's side), or whatever it is after two seconds."""
    for _ in range(40):
        found = await _backends(url, tag)
        if found == expected:
            return found
        await asyncio.sleep(0.05)
    return found


def _db(url: str, tag: str, **options: Any) -> SqlDatabase:
    return SqlDatabase(
        DatabaseConfig(url=url, **options), server_settings={"application_name": tag}
    )


async def _pid(conn: Connection) -> int:
    ((pid,),) = await conn.fetch("SELECT pg_backend_pid()")
    return int(pid)


async def _serving_pid(db: SqlDatabase) -> int:
    """The server process behind the connection a transaction gets now."""
    async with db.transaction(write=False) as tx:
        return await _pid(await tx.connection())


async def test_connections_are_kept_until_idle_for_the_idle_timeout(
    postgres_url: str, tag: str
) -> None:
    db = _db(postgres_url, tag, pool_size=2, max_overflow=2, pool_idle_timeout=0.5)
    pool = db.pool()
    try:
        held = [await pool.acquire() for _ in range(4)]
        assert len({await _pid(c) for c in held}) == 4
        assert await _backends(postgres_url, tag) == 4
        for conn in held:
            await pool.release(conn)
        assert (pool.idle, pool.checked_out) == (4, 0)  # overflow ones too: no churn under load
        assert await _backends(postgres_url, tag) == 4
        again = await pool.acquire()  # the most recently returned one, not a new connection
        assert await _pid(again) == await _pid(held[3])
        await pool.release(again)
        assert await _settled_backends(postgres_url, tag, 0) == 0  # idle for 0.5 s: closed
        assert pool.idle == 0
        conn = await pool.acquire()  # and opened again when needed
        assert await _backends(postgres_url, tag) == 1
        await pool.release(conn)
    finally:
        await db.dispose()
    assert await _settled_backends(postgres_url, tag, 0) == 0


async def test_a_pool_under_steady_load_opens_no_connections(postgres_url: str, tag: str) -> None:
    """32 concurrent clients reading through a pool of 20 (+20 overflow), round after round: the
    sessions PostgreSQL saw are those of the first round, however many rounds follow."""
    async with postgres_database(postgres_url, "fm_pool_load") as url:
        db = _db(url, tag, pool_size=20)
        try:

            async def client(rounds: int) -> None:
                for _ in range(rounds):
                    async with db.transaction(write=False) as tx:
                        await (await tx.connection()).fetch("SELECT pg_sleep(0.001)")

            await asyncio.gather(*(client(1) for _ in range(32)))  # warm: up to 32 connections
            # Counted from the server's admin database: a look from the test database would be
            # a session of its own.
            warm = await _backends(postgres_url, tag)
            assert 1 <= warm <= 32
            await asyncio.gather(*(client(40) for _ in range(32)))  # 1,280 transactions
            assert await _backends(postgres_url, tag) == warm
        finally:
            await db.dispose()
        assert await _settled_backends(postgres_url, tag, 0) == 0
        database = url.rsplit("/", 1)[1]
        assert await _sessions(postgres_url, database, warm) == warm  # none opened under load


async def _sessions(admin_url: str, database: str, at_least: int) -> int:
    """Every session the server counted for ``database``. A session is counted once its process
    has written its statistics (at the latest when it ends), so read until the count holds still."""
    seen: list[int] = []
    for _ in range(40):
        _, count = await admin(
            admin_url,
            "SELECT pg_stat_clear_snapshot()",
            f"SELECT sessions FROM pg_stat_database WHERE datname = '{database}'",
        )
        seen.append(int(count or 0))
        if len(seen) >= 3 and seen[-1] >= at_least and seen[-1] == seen[-3]:
            break
        await asyncio.sleep(0.1)
    return seen[-1]


async def test_the_sqlite_pool_keeps_idle_connections_up_to_its_size() -> None:
    made: list[_Stalling] = []

    async def connect() -> _Stalling:
        made.append(_Stalling())
        return made[-1]

    pool = Pool(connect, PoolLimits(size=2, overflow=2, timeout=0.5), "test")
    held = [await pool.acquire() for _ in range(4)]
    assert len(made) == 4
    for conn in held:
        await pool.release(conn)
    assert (pool.idle, pool.checked_out) == (2, 0)
    assert [c.closed for c in made] == [False, False, True, True]  # the overflow ones
    assert await pool.acquire() is held[1]  # the most recently returned one, not a new one


async def test_a_checkout_waits_at_most_the_pool_timeout(postgres_url: str, tag: str) -> None:
    db = _db(postgres_url, tag, pool_size=1, max_overflow=0, pool_timeout=0.2)
    pool = db.pool()
    try:
        first = await pool.acquire()
        with pytest.raises(AdapterError, match=r"no database connection free within 0\.2 s"):
            await pool.acquire()

        async def give_back_soon() -> None:
            await asyncio.sleep(0.05)
            await pool.release(first)

        # A checkout waiting for a connection gets the one given back meanwhile.
        waiter, _ = await asyncio.gather(pool.acquire(), give_back_soon())
        assert await _pid(waiter) == await _pid(first)
        await pool.release(waiter)
        assert await _backends(postgres_url, tag) == 1
    finally:
        await db.dispose()


async def test_connections_older_than_pool_recycle_are_replaced(
    postgres_url: str, tag: str
) -> None:
    db = _db(postgres_url, tag, pool_recycle=0)
    pool = db.pool()
    try:
        conn = await pool.acquire()
        first = await _pid(conn)
        await pool.release(conn)
        assert pool.idle == 0  # too old to keep
        conn = await pool.acquire()
        assert await _pid(conn) != first
        await pool.release(conn)
    finally:
        await db.dispose()


async def test_pre_ping_replaces_a_connection_the_server_ended(postgres_url: str, tag: str) -> None:
    db = _db(postgres_url, tag, pool_pre_ping=True)
    try:
        first = await _serving_pid(db)
        await admin(postgres_url, f"SELECT pg_terminate_backend({first})")
        assert await _serving_pid(db) != first  # and no error reached the caller
    finally:
        await db.dispose()


async def test_without_pre_ping_a_dead_connection_is_never_handed_out_again(
    postgres_url: str, tag: str
) -> None:
    db = _db(postgres_url, tag)
    try:
        # Ended while idle: the driver notices the closed socket, the checkout skips it.
        first = await _serving_pid(db)
        await admin(postgres_url, f"SELECT pg_terminate_backend({first})")
        await asyncio.sleep(0.1)
        await db.ping()
        # Ended while in use: that use fails, and the connection is closed, not given out again.
        async with db.transaction(write=False) as tx:
            conn = await tx.connection()
            second = await _pid(conn)
            await admin(postgres_url, f"SELECT pg_terminate_backend({second})")
            await db.ping()  # another connection: the pool is not stuck
            with pytest.raises(AdapterError, match="the database is unreachable"):
                await Runner(conn, "test").fetch(Statement("SELECT 1", (), ("one",), (None,)))
        assert await _serving_pid(db) not in (first, second)
        assert db.pool().checked_out == 0
    finally:
        await db.dispose()


async def test_a_connection_given_back_inside_a_transaction_is_rolled_back(
    postgres_url: str, tag: str, tmp_path: Path
) -> None:
    for db in (
        _db(postgres_url, tag),
        SqlDatabase(DatabaseConfig(url=f"sqlite:///{tmp_path}/pool.sqlite3")),
    ):
        pool = db.pool()
        try:
            conn = await pool.acquire()
            await conn.begin(write=True)
            await conn.execute("CREATE TEMPORARY TABLE scratch (x INTEGER)")
            await pool.release(conn)
            assert pool.idle == 1
            again = await pool.acquire()
            assert again is conn
            assert not again.in_transaction
            with pytest.raises(DriverError, match="scratch"):
                await again.fetch("SELECT x FROM scratch")  # rolled back with its transaction
            await pool.release(again)
        finally:
            await db.dispose()


async def test_dispose_closes_idle_connections_and_those_given_back_later(
    postgres_url: str, tag: str
) -> None:
    db = _db(postgres_url, tag)
    pool = db.pool()
    idle, busy = await pool.acquire(), await pool.acquire()
    await pool.release(idle)
    await db.dispose()
    assert await _settled_backends(postgres_url, tag, 1) == 1  # the busy one is still in use
    assert (await busy.fetch("SELECT 1"))[0][0] == 1
    await pool.release(busy)
    assert pool.idle == 0
    assert await _settled_backends(postgres_url, tag, 0) == 0


SLOW_SQLITE = (
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3000000) "
    "SELECT count(*) FROM r"
)


async def test_a_transaction_cancelled_mid_statement_gives_back_its_connection_and_lock(
    postgres_url: str, tag: str, tmp_path: Path
) -> None:
    # anyio cancels again at every await of a cancelled scope, so the roll-back and the return to
    # the pool are interrupted too unless they run to their end regardless.
    for db, slow in (
        (_db(postgres_url, tag, pool_size=1, max_overflow=0, pool_timeout=2), "SELECT pg_sleep(5)"),
        (SqlDatabase(DatabaseConfig(url=f"sqlite:///{tmp_path}/cancel.sqlite3")), SLOW_SQLITE),
    ):
        try:
            async with db.transaction(write=True) as tx:
                await (await tx.connection()).execute(f"CREATE TABLE {tag} (a INTEGER)")
            with anyio.move_on_after(0.2) as scope:
                async with db.transaction(write=True) as tx:
                    conn = await tx.connection()
                    await conn.execute(f"INSERT INTO {tag} VALUES (1)")
                    await conn.fetch(slow)
            assert scope.cancelled_caught
            assert db.pool().checked_out == 0
            lock = db.write_lock("default")  # SQLite's writers queue on it; PostgreSQL has none
            assert lock is None or not lock.locked()
            with anyio.fail_after(5):  # the next writer gets in; the cancelled row is gone
                async with db.transaction(write=True) as tx:
                    conn = await tx.connection()
                    await conn.execute(f"INSERT INTO {tag} VALUES (2)")
                    assert [tuple(r) for r in await conn.fetch(f"SELECT a FROM {tag}")] == [(2,)]
        finally:
            async with db.transaction(write=True) as tx:
                await (await tx.connection()).execute(f"DROP TABLE IF EXISTS {tag}")
            await db.dispose()


class _Stalling:
    """A pooled connection whose ping or roll-back never answers (the server gone quiet)."""

    def __init__(self, *, in_transaction: bool = False) -> None:
        self.created = 0.0
        self.broken = False
        self.in_transaction = in_transaction
        self.closed = False

    async def ping(self) -> None:
        await asyncio.Event().wait()

    async def rollback(self) -> None:
        await asyncio.sleep(0.3)
        self.in_transaction = False

    async def close(self) -> None:
        self.closed = True


async def test_a_checkout_cancelled_during_its_pre_ping_loses_no_slot() -> None:
    made: list[_Stalling] = []

    async def connect() -> _Stalling:
        made.append(_Stalling())
        return made[-1]

    pool = Pool(connect, PoolLimits(size=1, overflow=0, timeout=0.5, pre_ping=True), "test")
    await pool.release(await pool.acquire())  # idle now, pinged at the next checkout
    with anyio.move_on_after(0.1):
        await pool.acquire()
    assert made[0].closed
    assert (pool.idle, pool.checked_out) == (0, 0)
    with anyio.fail_after(1):  # the one slot is free again: a new connection, not a timeout
        assert await pool.acquire() is made[1]


async def test_a_release_cancelled_during_its_roll_back_still_returns_the_connection() -> None:
    conn = _Stalling(in_transaction=True)

    async def connect() -> _Stalling:
        return conn

    pool = Pool(connect, PoolLimits(size=1, overflow=0, timeout=0.5), "test")
    assert await pool.acquire() is conn
    with anyio.move_on_after(0.05) as scope:
        await pool.release(conn)
    assert scope.cancelled_caught
    assert not conn.in_transaction  # rolled back to the end
    assert (pool.idle, pool.checked_out) == (1, 0)
