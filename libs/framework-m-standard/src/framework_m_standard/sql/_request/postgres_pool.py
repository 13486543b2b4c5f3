"""PostgreSQL's connection pool: asyncpg's own, with the settings of ``[database]``.

asyncpg's pool keeps every connection it opened until that connection has been idle for
``pool_idle_timeout`` seconds, so a pool under steady load opens none (ADR 0008 weighs it against a pool
of our own). Around it, this module adds what the settings promise and asyncpg leaves to its caller:

- ``pool_timeout`` bounds a checkout with the framework's own error, not a bare ``TimeoutError``;
- ``pool_recycle`` replaces a connection older than that at checkout and when it comes back;
- ``pool_pre_ping`` checks a connection still answers before handing it out;
- a connection given back inside a transaction is rolled back first (asyncpg would do it too, but
  reports it as an error each time), and closed if the rollback fails;
- giving back completes even when the caller is cancelled meanwhile (anyio cancels again at every
  await), so no connection is ever lost;
- ``dispose`` closes idle connections at once and busy ones when they come back.

No ``RESET ALL`` round trip on release (asyncpg's default): the framework never changes session
state — run-time parameters arrive with ``server_settings`` at connect time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from framework_m_core.errors import AdapterError

from .connections import Observer, PostgresConnection, asyncpg_errors
from .errors import DriverError
from .pool import PoolLimits, exhausted, to_completion


class _Raw(asyncpg.Connection):  # type: ignore[misc]
    """asyncpg's connection with a slot for the framework's wrapper around it."""

    __slots__ = ("framework_m",)


async def _no_reset(_conn: Any) -> None:
    """Replaces asyncpg's per-release ``RESET ALL``; see the module docstring."""


class PostgresPool:
    """Connections to one PostgreSQL database for ``SqlTransaction``: ``acquire`` / ``release``."""

    def __init__(
        self,
        dsn: str,
        server_settings: Mapping[str, str],
        limits: PoolLimits,
        label: str,
        observers: Sequence[Observer],
    ) -> None:
        self.limits = limits
        self.label = label
        self._dsn = dsn
        self._server_settings = dict(server_settings)
        self._observers = observers
        self._pool: Any = None
        self._starting = asyncio.Lock()
        self._open: set[PostgresConnection] = set()
        self._leased: set[PostgresConnection] = set()
        self._fresh: set[PostgresConnection] = set()  # opened for the checkout under way
        self._disposed = False

    @property
    def checked_out(self) -> int:
        return len(self._leased)

    @property
    def idle(self) -> int:
        return sum(1 for c in self._open if c not in self._leased and not c.broken)

    async def _started(self) -> Any:
        if self._pool is None:
            async with self._starting:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        self._dsn,
                        min_size=0,  # connect on demand: start-up opens nothing
                        max_size=self.limits.size + self.limits.overflow,
                        max_inactive_connection_lifetime=self.limits.idle_timeout,
                        init=self._adopt,
                        reset=_no_reset,
                        connection_class=_Raw,
                        server_settings=self._server_settings or None,
                    )
        return self._pool

    async def _adopt(self, raw: _Raw) -> None:
        """asyncpg's ``init`` hook: wrap each new connection once, for its whole life."""
        conn = PostgresConnection(raw, self._observers)
        raw.framework_m = conn
        self._open.add(conn)
        self._fresh.add(conn)
        raw.add_termination_listener(lambda _raw: self._open.discard(conn))

    def _expired(self, conn: PostgresConnection) -> bool:
        recycle = self.limits.recycle
        return recycle >= 0 and time.monotonic() - conn.created > recycle

    async def acquire(self) -> PostgresConnection:
        if self._disposed:
            raise AdapterError(f"the connection pool {self.label!r} is closed")
        pool = await self._started()
        deadline = time.monotonic() + self.limits.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise exhausted(self.limits, self.label)
            try:
                # asyncio.timeout, not asyncpg's timeout= (a task of its own per checkout).
                async with asyncio.timeout(remaining):
                    lease = await pool.acquire()
            except TimeoutError:
                raise exhausted(self.limits, self.label) from None
            except asyncpg_errors() as exc:  # opening a new connection failed
                raise DriverError(exc, "connect") from exc
            conn: PostgresConnection = lease.framework_m
            conn.lease = lease
            self._leased.add(conn)
            if conn in self._fresh:  # just opened: neither old nor in need of a ping
                self._fresh.discard(conn)
                return conn
            if self._expired(conn):
                await self._close(conn)
                continue
            if self.limits.pre_ping:
                try:
                    await conn.ping()
                except BaseException as exc:
                    await to_completion(self._close(conn))  # also when cancelled mid-ping
                    if not isinstance(exc, Exception):
                        raise
                    continue
            return conn

    async def release(self, conn: PostgresConnection) -> None:
        """Give ``conn`` back (rolled back first if a transaction is open; closed if it is broken,
        too old or the pool is disposed). Completes even if the caller is cancelled meanwhile: the
        common case by asyncpg's own shielded release, the others run to their end here."""
        if conn not in self._leased:
            return
        if conn.broken or conn.in_transaction or self._disposed or self._expired(conn):
            await to_completion(self._settle(conn))
            return
        lease, conn.lease = conn.lease, None
        self._leased.discard(conn)
        await self._pool.release(lease)

    async def _settle(self, conn: PostgresConnection) -> None:
        """Give back a connection that needs more than asyncpg's release: a roll-back, or closing."""
        if not conn.broken and conn.in_transaction:
            try:
                await conn.rollback()
            except Exception:
                await self._close(conn)
                return
        if conn.broken or self._disposed or self._expired(conn):
            await self._close(conn)
            return
        lease, conn.lease = conn.lease, None
        self._leased.discard(conn)
        await self._pool.release(lease)

    async def _close(self, conn: PostgresConnection) -> None:
        """Close a checked-out connection: asyncpg then frees its slot for a new one."""
        self._leased.discard(conn)
        conn.lease = None
        with contextlib.suppress(Exception):  # a broken connection may fail to close; it is gone
            await conn.close()
        if self._disposed and not self._leased:
            await self._shut()

    async def dispose(self) -> None:
        """Close idle connections now and those checked out when they come back."""
        self._disposed = True
        for conn in [c for c in self._open if c not in self._leased]:
            with contextlib.suppress(Exception):
                await conn.close()
        if not self._leased:
            await self._shut()

    async def _shut(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()  # every connection is closed or back by now: this does not wait
