"""Reads on PostgreSQL straight through asyncpg, with SQL compiled once per statement.

SQLAlchemy's execution layer (greenlet hand-off, compiled-cache lookup, parameter and result
wrapping) costs about as much as a primary-key lookup's round trip on a local server. A
``DriverStatement`` keeps what that layer would recompute: the SQL text (already in asyncpg's ``$n``
form), the parameter order and the bind and result processors of each column type (so custom types
such as ``UTCDateTime`` behave exactly as through SQLAlchemy). It runs on the transaction's own
connection: inside the transaction once one has begun on it, as a single statement before that.

Only SELECTs go this way — a write must start the SQLAlchemy-managed transaction first — and only
statements without "expanding" parameters, whose SQL differs per call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy.exc as sa_exc
from sqlalchemy.engine import Dialect

from framework_m_core.types import Record

from .engine import SqlConnection
from .errors import translate

Processor = Callable[[Any], Any] | None


class DriverStatement:
    __slots__ = ("binds", "dialect", "keys", "names", "results", "sql", "types")

    def __init__(self, compiled: Any, dialect: Dialect) -> None:
        self.sql: str = compiled.string
        self.dialect = dialect
        self.names = tuple(compiled.positiontup or ())
        self.binds: tuple[Processor, ...] = tuple(
            compiled.binds[n].type._cached_bind_processor(dialect) for n in self.names
        )
        columns = compiled._result_columns
        self.keys: tuple[str, ...] = tuple(c.keyname for c in columns)
        self.types = tuple(c.type for c in columns)
        # Result processors may depend on the column's PostgreSQL type (numerics do): known after
        # the first execution describes the statement.
        self.results: tuple[Processor, ...] | None = None

    @classmethod
    def compile(cls, stmt: Any, dialect: Dialect) -> DriverStatement | None:
        """The driver form of ``stmt``, or None when it must go through SQLAlchemy."""
        compiled = stmt.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            return None
        return cls(compiled, dialect)

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        return [
            value if bind is None else bind(value)
            for bind, value in zip(self.binds, (params[n] for n in self.names), strict=True)
        ]

    def records(self, rows: Sequence[Any], results: tuple[Processor, ...]) -> list[Record]:
        keys = self.keys
        if not any(results):
            return [dict(zip(keys, row, strict=True)) for row in rows]
        return [
            {
                key: value if result is None else result(value)
                for key, result, value in zip(keys, results, row, strict=True)
            }
            for row in rows
        ]

    async def _describe(self, driver: Any) -> tuple[Processor, ...]:
        attributes = (await driver.prepare(self.sql)).get_attributes()
        self.results = tuple(
            kind._cached_result_processor(self.dialect, attribute.type.oid)
            for kind, attribute in zip(self.types, attributes, strict=True)
        )
        return self.results

    async def fetch(
        self, conn: SqlConnection, params: Mapping[str, Any], doctype: str
    ) -> list[Record]:
        driver = await conn.driver_connection()
        arguments = self.arguments(params)
        sync = conn.sync_connection
        if sync is not None and sync.dispatch.before_cursor_execute:
            # Listeners of SQLAlchemy's own hook (statement logs, tracing) see these statements too.
            sync.dispatch.before_cursor_execute(sync, None, self.sql, arguments, None, False)
        try:
            results = self.results or await self._describe(driver)
            rows = await driver.fetch(self.sql, *arguments)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            if not isinstance(exc, asyncpg.PostgresError):
                await conn.invalidate()  # the connection is unusable: keep it out of the pool
            # Chained like SQLAlchemy's own: core error <- DBAPIError <- the driver's exception.
            wrapped = sa_exc.DBAPIError(self.sql, None, exc)
            wrapped.__cause__ = exc
            raise translate(wrapped, doctype) from wrapped
        return self.records(rows, results)


def scalar(records: list[Record]) -> Any:
    """The single value of a one-row, one-column result (a count)."""
    (row,) = records
    (value,) = row.values()
    return value
