"""SQL statements as text with what their parameters and result columns need, built once and reused.

A ``Statement`` knows its SQL (in the driver's own parameter style), the codec of each parameter and
of each result column (``dialects.py``). Running one is a driver call with the converted arguments —
no expression trees, compilation or caches in between; the repository keeps statements per table
and query shape.

The builders here cover the statements every table needs; ``compiler.py`` adds WHERE and ORDER BY
clauses for queries. A ``Runner`` runs statements on a connection, converting values on the way in
and out and turning driver errors into the core's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from framework_m_core.types import Record

from .codecs import Codec
from .connections import Connection
from .dialects import Dialect
from .errors import refused_value, translated
from .tables import DELETED_AT, Table


class Params:
    """Hands out parameter markers in order while a statement's text is written, noting each
    parameter's codec."""

    __slots__ = ("binds", "dialect")

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.binds: list[Codec | None] = []

    def add(self, codec: Codec | None) -> str:
        self.binds.append(codec)
        return self.dialect.placeholder(len(self.binds))

    def add_list(self, item: Codec | None) -> str:
        """The marker of a parameter whose value is a list (see ``Dialect.in_list``)."""
        return self.add(self.dialect.list_codec(item))


class Statement:
    """SQL text, its parameters' codecs, and its result columns' names and codecs."""

    __slots__ = ("binds", "keys", "plain", "results", "sql")

    def __init__(
        self,
        sql: str,
        binds: Sequence[Codec | None] = (),
        keys: Sequence[str] = (),
        results: Sequence[Codec | None] = (),
    ) -> None:
        self.sql = sql
        self.binds = tuple(binds)
        self.keys = tuple(keys)
        self.results = tuple(results)
        self.plain = not any(self.results)

    def arguments(self, values: Sequence[Any]) -> list[Any]:
        """The driver's arguments for ``values``, one per parameter."""
        return [
            value if value is None or codec is None else codec(value)
            for codec, value in zip(self.binds, values, strict=True)
        ]

    def records(self, rows: Iterable[Sequence[Any]]) -> list[Record]:
        """Result rows as dicts keyed by column name, values converted by the column's codec."""
        keys = self.keys
        if self.plain:
            return [dict(zip(keys, row, strict=True)) for row in rows]
        results = self.results
        return [
            {
                key: value if value is None or codec is None else codec(value)
                for key, codec, value in zip(keys, results, row, strict=True)
            }
            for row in rows
        ]

    def __repr__(self) -> str:
        return f"Statement({self.sql!r})"


class Runner:
    """Runs statements on a connection, converting values and translating errors for ``subject``."""

    __slots__ = ("conn", "subject")

    def __init__(self, conn: Connection, subject: str) -> None:
        self.conn = conn
        self.subject = subject

    def _arguments(self, stmt: Statement, values: Sequence[Any]) -> list[Any]:
        try:
            return stmt.arguments(values)
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise refused_value(self.subject, exc) from exc

    async def fetch(self, stmt: Statement, values: Sequence[Any] = ()) -> list[Record]:
        arguments = self._arguments(stmt, values)
        with translated(self.subject):
            rows = await self.conn.fetch(stmt.sql, arguments)
        return stmt.records(rows)

    async def execute(self, stmt: Statement, values: Sequence[Any] = ()) -> int:
        arguments = self._arguments(stmt, values)
        with translated(self.subject):
            return await self.conn.execute(stmt.sql, arguments)

    async def executemany(self, stmt: Statement, rows: Iterable[Sequence[Any]]) -> None:
        arguments = [self._arguments(stmt, row) for row in rows]
        if arguments:
            with translated(self.subject):
                await self.conn.executemany(stmt.sql, arguments)


def column_list(dialect: Dialect, names: Iterable[str]) -> str:
    return ", ".join(dialect.quote(n) for n in names)


def visible(dialect: Dialect, include_deleted: bool) -> list[str]:
    return [] if include_deleted else [f"{dialect.quote(DELETED_AT)} IS NULL"]


def equals(dialect: Dialect, table: Table, keys: Iterable[str], params: Params) -> list[str]:
    """``key = <parameter>`` for each of ``keys``, the parameters added to ``params`` in order."""
    return [f"{dialect.quote(k)} = {params.add(dialect.bind_codec(table.c[k].type))}" for k in keys]


def select_where(
    dialect: Dialect,
    table: Table,
    names: Sequence[str],
    where: Sequence[str],
    params: Params,
    tail: str = "",
) -> Statement:
    """``SELECT names FROM table WHERE where[0] AND where[1] ... tail``."""
    sql = f"SELECT {column_list(dialect, names)} FROM {dialect.quote(table.name)}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    results = [dialect.result_codec(table.c[n].type) for n in names]
    return Statement(sql + tail, params.binds, names, results)


def select_by(
    dialect: Dialect, table: Table, column: str, names: Sequence[str], include_deleted: bool = False
) -> Statement:
    """Rows whose ``column`` equals one parameter."""
    params = Params(dialect)
    where = [*equals(dialect, table, (column,), params), *visible(dialect, include_deleted)]
    return select_where(dialect, table, names, where, params)


def select_children(dialect: Dialect, table: Table) -> Statement:
    """The rows of a child table belonging to a list of parent ids, in document order."""
    params = Params(dialect)
    marker = params.add_list(dialect.bind_codec(table.c["parent"].type))
    match = dialect.in_list(dialect.quote("parent"), marker)
    order = f" ORDER BY {column_list(dialect, ('parent', 'parentfield', 'idx'))}"
    names = [c.name for c in table.columns]
    return select_where(dialect, table, names, [match], params, order)


def insert(dialect: Dialect, table: Table, names: Sequence[str]) -> Statement:
    params = Params(dialect)
    markers = ", ".join(params.add(dialect.bind_codec(table.c[n].type)) for n in names)
    return Statement(
        f"INSERT INTO {dialect.quote(table.name)} ({column_list(dialect, names)}) "
        f"VALUES ({markers})",
        params.binds,
    )


def update_where(
    dialect: Dialect, table: Table, names: Sequence[str], keys: Sequence[str], only_visible: bool
) -> Statement:
    """``UPDATE table SET names... WHERE keys... [AND deleted_at IS NULL]``; parameters are the new
    values of ``names``, then the values of ``keys``."""
    params = Params(dialect)
    sets = ", ".join(equals(dialect, table, names, params))
    where = equals(dialect, table, keys, params) + visible(dialect, not only_visible)
    return Statement(
        f"UPDATE {dialect.quote(table.name)} SET {sets} WHERE {' AND '.join(where)}", params.binds
    )


def delete_where(dialect: Dialect, table: Table, keys: Sequence[str]) -> Statement:
    params = Params(dialect)
    where = " AND ".join(equals(dialect, table, keys, params))
    return Statement(f"DELETE FROM {dialect.quote(table.name)} WHERE {where}", params.binds)
