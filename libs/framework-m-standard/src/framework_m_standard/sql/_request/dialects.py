"""What differs between PostgreSQL and SQLite at run time: SQL spelling and how values are stored.

The storage formats are SQLAlchemy's (which creates and migrates the tables, see ``types.py``); the
conversions themselves live in ``codecs.py``, shared with those column types, so a database written
through either reads back the same through the other:

- PostgreSQL (asyncpg) stores most values natively; JSON goes as text, and datetimes are checked to be
  timezone-aware and sent in UTC.
- SQLite stores datetimes as naive UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``, which sorts
  chronologically), dates and times as ISO text, UUIDs as 32 hex digits, booleans as 0/1, decimals
  as their exact text (compared and sorted through ``CAST(... AS REAL)``), JSON as text.

A codec is only applied to values that are not None (None is always SQL NULL).
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from typing import Literal
from uuid import UUID

from .codecs import (
    Codec,
    as_decimal,
    decimal_text,
    fixed_scale,
    from_sqlite_datetime,
    json_list,
    json_text,
    sqlite_date,
    sqlite_datetime,
    sqlite_time,
    utc,
    uuid_hex,
)
from .tables import ColumnType

DialectName = Literal["postgresql", "sqlite"]


# ------------------------------------------------------------------ dialects


class Dialect(ABC):
    """SQL spelling and value codecs of one database; ``POSTGRESQL`` and ``SQLITE`` are the two."""

    name: DialectName

    def quote(self, identifier: str) -> str:
        return '"' + identifier.replace('"', '""') + '"'

    @abstractmethod
    def placeholder(self, position: int) -> str:
        """The parameter marker of the ``position``-th (1-based) parameter."""

    @abstractmethod
    def bind_codec(self, column: ColumnType) -> Codec | None:
        """Python value -> what the driver sends for a column of this type."""

    @abstractmethod
    def result_codec(self, column: ColumnType) -> Codec | None:
        """What the driver returns -> the Python value."""

    def compared(self, column_sql: str, column: ColumnType) -> tuple[str, Codec | None]:
        """The operand that comparisons and sorting use for a column, and its parameters' codec."""
        return column_sql, self.bind_codec(column)

    @abstractmethod
    def like(self, column_sql: str, placeholder: str) -> str:
        """A case-sensitive match of ``column_sql`` against a LIKE pattern (``%``, ``_``, ``\\``)."""

    def like_codec(self) -> Codec | None:
        return None

    def nulls(self, descending: bool, nullable: bool) -> str:
        """What an ORDER BY key adds so NULLs sort first ascending and last descending."""
        return ""

    @abstractmethod
    def in_list(self, operand: str, marker: str, *, negate: bool = False) -> str:
        """``operand`` (NOT) IN the list passed as the one parameter ``marker``: a list of any length
        is one parameter, so the statement's text does not depend on it."""

    @abstractmethod
    def list_codec(self, item: Codec | None) -> Codec:
        """The codec of a list parameter whose items have codec ``item``."""

    def begin(self, write: bool) -> str:
        return "BEGIN"

    @abstractmethod
    def table_exists(self, marker: str) -> str:
        """A query whose one column ``found`` says whether the table named by ``marker`` exists."""


class _Postgres(Dialect):
    name: DialectName = "postgresql"

    def table_exists(self, marker: str) -> str:
        return f"SELECT to_regclass({marker}) IS NOT NULL AS found"  # on the search_path

    def placeholder(self, position: int) -> str:
        return f"${position}"

    def bind_codec(self, column: ColumnType) -> Codec | None:
        stored = column.stored_as
        if stored == "datetime":
            return utc
        if stored == "decimal":
            return as_decimal
        if stored == "json":
            return json_text
        return None  # asyncpg encodes the rest natively

    def result_codec(self, column: ColumnType) -> Codec | None:
        # asyncpg returns timestamptz as aware UTC datetimes, numeric as Decimal, uuid as a UUID.
        return json.loads if column.stored_as == "json" else None

    def like(self, column_sql: str, placeholder: str) -> str:
        return f"{column_sql} LIKE {placeholder} ESCAPE '\\'"

    def in_list(self, operand: str, marker: str, *, negate: bool = False) -> str:
        return f"{operand} <> ALL({marker})" if negate else f"{operand} = ANY({marker})"

    def list_codec(self, item: Codec | None) -> Codec:
        if item is None:
            return list
        return lambda items: [v if v is None else item(v) for v in items]

    def nulls(self, descending: bool, nullable: bool) -> str:
        # Only where NULLs can occur: a plain ORDER BY on a NOT NULL column can walk its index.
        if not nullable:
            return ""
        return " NULLS LAST" if descending else " NULLS FIRST"


class _Sqlite(Dialect):
    name: DialectName = "sqlite"

    def table_exists(self, marker: str) -> str:
        return f"SELECT count(*) > 0 AS found FROM sqlite_master WHERE type = 'table' AND name = {marker}"

    def placeholder(self, position: int) -> str:
        return "?"

    def bind_codec(self, column: ColumnType) -> Codec | None:
        stored = column.stored_as
        if stored == "decimal":
            scale = fixed_scale(column.precision, column.scale)
            return lambda value: decimal_text(value, scale)
        codecs: dict[str, Codec] = {
            "datetime": sqlite_datetime,
            "date": sqlite_date,
            "time": sqlite_time,
            "uuid": uuid_hex,
            "boolean": int,
            "json": json_text,
        }
        return codecs.get(stored)

    def result_codec(self, column: ColumnType) -> Codec | None:
        codecs: dict[str, Codec] = {
            "datetime": from_sqlite_datetime,
            "date": dt.date.fromisoformat,
            "time": dt.time.fromisoformat,
            "uuid": lambda value: UUID(hex=value),
            "boolean": bool,
            "json": json.loads,
            "decimal": as_decimal,
        }
        return codecs.get(column.stored_as)

    def compared(self, column_sql: str, column: ColumnType) -> tuple[str, Codec | None]:
        # Decimals are text here: compare and sort their numeric value.
        if column.stored_as == "decimal":
            return f"CAST({column_sql} AS REAL)", float
        return super().compared(column_sql, column)

    def like(self, column_sql: str, placeholder: str) -> str:
        return f"{column_sql} GLOB {placeholder}"  # LIKE would ignore case

    def in_list(self, operand: str, marker: str, *, negate: bool = False) -> str:
        # The list travels as one JSON array: a single parameter whatever its length (and none of
        # SQLite's limits on the number of parameters).
        return f"{operand} {'NOT IN' if negate else 'IN'} (SELECT value FROM json_each({marker}))"

    def list_codec(self, item: Codec | None) -> Codec:
        if item is None:
            return json_list
        return lambda items: json_list([v if v is None else item(v) for v in items])

    def like_codec(self) -> Codec | None:
        return glob_pattern

    def begin(self, write: bool) -> str:
        # Writers take the lock up front: a deferred BEGIN that later writes can fail with "locked".
        return "BEGIN IMMEDIATE" if write else "BEGIN"


def glob_pattern(like: str) -> str:
    """A LIKE pattern (``%``, ``_``, ``\\`` escape) as an SQLite GLOB pattern (case-sensitive)."""
    out: list[str] = []
    chars = iter(like)
    for ch in chars:
        if ch == "\\":
            ch = next(chars, "\\")
            out.append(f"[{ch}]" if ch in "*?[" else ch)
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        elif ch in "*?[":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
    return "".join(out)


POSTGRESQL: Dialect = _Postgres()
SQLITE: Dialect = _Sqlite()


def dialect_of(url: str) -> Dialect:
    """The dialect of a (normalised) database URL."""
    return SQLITE if url.startswith("sqlite") else POSTGRESQL
