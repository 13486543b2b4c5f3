"""The pool interface of ``SqlTransaction``, and the small pool SQLite's file connections come from.

PostgreSQL uses asyncpg's pool (``postgres_pool.py``). SQLite has no server to pool connections for:
a handful of file connections serve concurrent readers while writers queue on the database's write
lock, and ``Pool`` keeps them — up to ``size`` idle, ``overflow`` more under load closed when they come
back, checkouts bounded by ``timeout``, connections older than ``recycle`` seconds replaced and, with
``pre_ping``, each checked at checkout. Connections that come back broken or inside a transaction that
cannot be rolled back are closed, never reused.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from framework_m_core.errors import AdapterError

if TYPE_CHECKING:
    from .connections import Connection


class ConnectionPool(Protocol):
    """What ``SqlTransaction`` needs of a pool: connections out and back, counts, and shutdown."""

    limits: PoolLimits
    label: str

    @property
    def checked_out(self) -> int: ...

    @property
    def idle(self) -> int: ...

    async def acquire(self) -> Connection: ...

    async def release(self, conn: Any) -> None: ...

    async def dispose(self) -> None: ...


class Pooled(Protocol):
    """What the pool needs of a driver connection (``connections.py``)."""

    created: float

    @property
    def broken(self) -> bool: ...

    @property
    def in_transaction(self) -> bool: ...

    async def ping(self) -> None: ...

    async def rollback(self) -> None: ...

    async def close(self) -> None: ...


C = TypeVar("C", bound=Pooled)


@dataclass(frozen=True)
class PoolLimits:
    size: int = 5
    overflow: int = 10
    timeout: float = 30.0
    recycle: float = -1  # seconds; negative: never
    pre_ping: bool = False
    idle_timeout: float = 300.0  # PostgreSQL: seconds a connection may stay idle; 0: forever


def exhausted(limits: PoolLimits, label: str) -> AdapterError:
    """The error of a checkout that found no connection free within ``limits.timeout``."""
    return AdapterError(
        f"no database connection free within {limits.timeout:g} s (pool {label!r}: "
        f"{limits.size} + {limits.overflow} overflow, all in use); raise "
        "[database] pool_size / max_overflow or shorten the transactions"
    )


async def to_completion(work: Awaitable[None]) -> None:
    """Await ``work`` to its end even if this task is cancelled meanwhile, then re-raise the
    cancellation: a connection left half-closed would never be accounted for."""
    task = asyncio.ensure_future(work)
    cancelled: asyncio.CancelledError | None = None
    while not task.done():
        try:
            await asyncio.wait([task])
        except asyncio.CancelledError as exc:
            cancelled = exc
    if cancelled is not None:
        raise cancelled
    task.result()


class Pool(Generic[C]):
    """Connections made by ``connect``, checked out with ``acquire`` and given back with ``release``."""

    def __init__(self, connect: Callable[[], Awaitable[C]], limits: PoolLimits, label: str) -> None:
        self._connect = connect
        self.limits = limits
        self.label = label
        self._idle: deque[C] = deque()
        self._open = 0  # idle + checked out
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._disposed = False

    @property
    def checked_out(self) -> int:
        return self._open - len(self._idle)

    @property
    def idle(self) -> int:
        return len(self._idle)

    def _expired(self, conn: C) -> bool:
        recycle = self.limits.recycle
        return recycle >= 0 and time.monotonic() - conn.created > recycle

    async def acquire(self) -> C:
        deadline = time.monotonic() + self.limits.timeout
        while True:
            while self._idle:
                conn = self._idle.pop()  # the most recently used: its server process is warm
                if conn.broken or self._expired(conn):
                    await self._discard(conn)
                    continue
                if self.limits.pre_ping:
                    try:
                        await conn.ping()
                    except BaseException as exc:
                        await self._discard(conn)  # also when cancelled mid-ping: never lost
                        if not isinstance(exc, Exception):
                            raise
                        continue
                return conn
            if self._open < self.limits.size + self.limits.overflow:
                self._open += 1
                try:
                    return await self._connect()
                except BaseException:
                    self._open -= 1
                    self._wake()
                    raise
            await self._wait(deadline)

    async def _wait(self, deadline: float) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter, max(deadline - time.monotonic(), 0))
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._wake()  # woken just as it was cancelled: pass the turn on
            raise
        except TimeoutError:
            if waiter.done() and not waiter.cancelled():
                return  # woken in the same loop turn as the timeout (Python >= 3.12 says timeout)
            raise exhausted(self.limits, self.label) from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def release(self, conn: C) -> None:
        """Give ``conn`` back: kept for reuse when healthy, idle and within ``size``; else closed.

        Completes even if the caller is cancelled meanwhile (the cancellation is re-raised after):
        a connection half given back would hold its slot forever."""
        if not conn.broken and conn.in_transaction:
            await to_completion(self._roll_back(conn))
        else:
            await self._return(conn)

    async def _roll_back(self, conn: C) -> None:
        try:
            await conn.rollback()
        except Exception:
            await self._discard(conn)
        else:
            await self._return(conn)

    async def _return(self, conn: C) -> None:
        if (
            not conn.broken
            and not self._disposed
            and len(self._idle) < self.limits.size
            and not self._expired(conn)
        ):
            self._idle.append(conn)
            self._wake()
            return
        await self._discard(conn)

    async def _discard(self, conn: C) -> None:
        self._open -= 1
        self._wake()
        # A broken connection may fail to close; it is gone either way.
        with contextlib.suppress(Exception):
            await to_completion(conn.close())

    async def dispose(self) -> None:
        """Close the idle connections; those checked out are closed when they come back."""
        self._disposed = True
        while self._idle:
            await self._discard(self._idle.pop())
