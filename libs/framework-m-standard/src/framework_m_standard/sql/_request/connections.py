"""Driver connections behind one small interface: asyncpg for PostgreSQL, aiosqlite for SQLite.

Each wraps its driver's exceptions in ``DriverError`` (``errors.translated`` turns those into the
core's errors) and tells the database's statement observers what it sends (statement logs, ``echo``).
Only the driver of the database in use is imported.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

from .dialects import POSTGRESQL, SQLITE, Dialect
from .errors import DriverError

Observer = Callable[[str], None]
"""Called with each statement's SQL before it is sent (an executemany counts once)."""

SQLITE_PRAGMAS = (
    "journal_mode = WAL",
    "foreign_keys = ON",
    "busy_timeout = 30000",
    "synchronous = NORMAL",
)


class Connection(ABC):
    """One open driver connection; a ``Pool`` hands them out."""

    dialect: Dialect
    _errors: tuple[type[BaseException], ...]

    def __init__(self, observers: Sequence[Observer]) -> None:
        self.created = time.monotonic()
        self._observers = observers

    @contextmanager
    def _sending(self, sql: str) -> Iterator[None]:
        for observe in self._observers:
            observe(sql)
        try:
            yield
        except self._errors as exc:
            raise DriverError(exc, sql) from exc

    @abstractmethod
    async def fetch(self, sql: str, args: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        """The rows of a query."""

    @abstractmethod
    async def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run a statement once per row of arguments, in as few round trips as the driver can."""

    async def begin(self, *, write: bool) -> None:
        await self.execute(self.dialect.begin(write))

    async def commit(self) -> None:
        await self.execute("COMMIT")

    async def rollback(self) -> None:
        await self.execute("ROLLBACK")

    async def ping(self) -> None:
        await self.fetch("SELECT 1")

    @property
    @abstractmethod
    def in_transaction(self) -> bool: ...

    @property
    @abstractmethod
    def broken(self) -> bool:
        """True when the connection can no longer be used (it is closed or its link was lost)."""

    @abstractmethod
    async def close(self) -> None: ...


def _rowcount(status: str) -> int:
    """The row count in a command status such as ``UPDATE 3`` or ``INSERT 0 1``."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def asyncpg_errors() -> tuple[type[BaseException], ...]:
    """What asyncpg raises for a failed statement or a lost or refused connection."""
    import asyncpg  # type: ignore[import-untyped]

    return (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


class PostgresConnection(Connection):
    """An asyncpg connection of ``PostgresPool``; ``lease`` is asyncpg's handle while checked out."""

    dialect = POSTGRESQL

    def __init__(self, raw: Any, observers: Sequence[Observer]) -> None:
        super().__init__(observers)
        self.raw = raw
        self.lease: Any = None
        self._errors = asyncpg_errors()

    async def fetch(self, sql: str, args: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        with self._sending(sql):
            rows: Sequence[Sequence[Any]] = await self.raw.fetch(sql, *args)
            return rows

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        with self._sending(sql):
            return _rowcount(await self.raw.execute(sql, *args))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._sending(sql):
            await self.raw.executemany(sql, rows)

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.is_in_transaction())

    @property
    def broken(self) -> bool:
        return bool(self.raw.is_closed())

    async def close(self) -> None:
        await self.raw.close()


class SqliteConnection(Connection):
    """SQLite through aiosqlite (the driver runs in a thread of its own). Transactions are ours: the
    driver's implicit ``BEGIN`` is off, and writers begin with ``BEGIN IMMEDIATE``."""

    dialect = SQLITE

    def __init__(self, raw: Any, observers: Sequence[Observer]) -> None:
        import sqlite3

        super().__init__(observers)
        self.raw = raw
        self._errors = (sqlite3.Error, OverflowError)
        self._closed = False

    @classmethod
    async def open(cls, path: str, observers: Sequence[Observer]) -> SqliteConnection:
        import sqlite3

        import aiosqlite

        try:
            raw = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise DriverError(exc, "connect") from exc
        conn = cls(raw, ())
        try:
            for pragma in SQLITE_PRAGMAS:
                await conn.execute(f"PRAGMA {pragma}")
            await conn._check_json()
        except BaseException:
            await raw.close()
            raise
        conn._observers = observers
        return conn

    async def _check_json(self) -> None:
        """Lists travel as JSON arrays (``json_each``): refuse a SQLite built without JSON."""
        import sqlite3

        try:
            await self.fetch("SELECT json_valid('[]')")
        except DriverError as exc:
            raise DriverError(
                sqlite3.NotSupportedError(
                    f"SQLite {sqlite3.sqlite_version} has no JSON functions ({exc}); "
                    "Framework M needs SQLite 3.38 or one built with JSON1"
                ),
                "connect",
            ) from exc

    async def fetch(self, sql: str, args: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        with self._sending(sql):
            rows: Sequence[Sequence[Any]] = await self.raw.execute_fetchall(sql, args)
            return rows

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        with self._sending(sql):
            cursor = await self.raw.execute(sql, args)
            count: int = cursor.rowcount
            await cursor.close()
            return count

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._sending(sql):
            cursor = await self.raw.executemany(sql, rows)
            await cursor.close()

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.in_transaction)

    @property
    def broken(self) -> bool:
        return self._closed

    async def close(self) -> None:
        self._closed = True
        await self.raw.close()


def sqlite_path(url: str) -> str:
    """The file of a ``sqlite+aiosqlite:///path`` URL (four slashes: an absolute path).

    In-memory databases are refused: every pooled connection would see a database of its own."""
    rest = url.split("://", 1)[1]
    path = rest[1:] if rest.startswith("/") else rest
    if "?" in path:
        raise ValueError(f"{url}: SQLite URLs take no query parameters")
    path = unquote(path)  # as SQLAlchemy reads it for schema work: both must open the same file
    if path in ("", ":memory:"):
        raise ValueError(
            f"{url}: in-memory SQLite is not supported; give a file "
            "(or use the in-memory adapters of framework_m_core for tests)"
        )
    return str(Path(path))


def postgres_dsn(url: str) -> str:
    """An asyncpg DSN for a ``postgresql+asyncpg://`` URL.

    Query parameters are libpq's (``sslmode``, ``sslrootcert``, ...); SQLAlchemy's spelling
    ``ssl=<mode>`` is read as ``sslmode``, so a URL written for either works."""
    rest = url.split("://", 1)[1]
    base, _, query = rest.partition("?")
    if not query:
        return "postgresql://" + rest
    pairs = [
        ("sslmode" if key == "ssl" else key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
    ]
    return f"postgresql://{base}?{urlencode(pairs)}"
