"""SQLAlchemy column types: how each ``ColumnType`` is created and migrated on SQLite and PostgreSQL.

Schema work only (DDL, Alembic); serving processes never import this module. It is public, outside the
private ``_schema`` folder, because migration revision files import it by name
(``from framework_m_standard.sql import types as fm_types``) and must keep working. Its types convert
values through ``_request/codecs.py``, the functions the request path uses too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from ._request.codecs import as_decimal, as_utc, decimal_text, fixed_scale, utc
from ._request.tables import ColumnType


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes, always returned in UTC.

    PostgreSQL stores ``timestamptz``; SQLite stores naive UTC text, which sorts chronologically."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        stored = utc(value)
        return stored.replace(tzinfo=None) if dialect.name == "sqlite" else stored

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else as_utc(value)


class ExactDecimal(TypeDecorator[Decimal]):
    """Decimals without rounding: NUMERIC on PostgreSQL, the decimal's text on SQLite (whose NUMERIC is a
    float). SQLite comparisons and ordering go through ``CAST(col AS REAL)``; see ``_request/dialects.py``.

    With both ``max_digits`` and ``decimal_places`` the column is ``NUMERIC(p, s)`` and values come back
    with exactly ``s`` places on both databases (SQLite pads the text as PostgreSQL does). Otherwise the
    column is plain ``NUMERIC`` and values come back with the digits and scale they were written with:
    PostgreSQL's ``NUMERIC(p)`` would mean ``NUMERIC(p, 0)`` and round every fraction away."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int | None = None, scale: int | None = None) -> None:
        super().__init__()
        self.precision, self.scale = precision, scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        if fixed_scale(self.precision, self.scale) is None:
            return dialect.type_descriptor(sa.Numeric(asdecimal=True))
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name != "sqlite":
            return as_decimal(value)
        return decimal_text(value, fixed_scale(self.precision, self.scale))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else as_decimal(value)


def text_type(length: int | None = None) -> TypeEngine[str]:
    """Text compared by code point everywhere: SQLite's BINARY collation, PostgreSQL's "C" collation."""
    base: TypeEngine[str] = sa.String(length) if length else sa.Text()
    pg: TypeEngine[str] = sa.String(length, collation="C") if length else sa.Text(collation="C")
    return base.with_variant(pg, "postgresql")


JSON_TYPE: TypeEngine[Any] = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql"
)
UUID_TYPE: TypeEngine[Any] = sa.Uuid(as_uuid=True)


def sa_type(column: ColumnType) -> TypeEngine[Any]:
    """The SQLAlchemy type that creates and migrates a column of ``column``'s type."""
    stored = column.stored_as
    if stored == "text":
        return text_type(column.length)
    if stored == "decimal":
        return ExactDecimal(column.precision, column.scale)
    if stored == "json":
        return JSON_TYPE
    if stored == "uuid":
        return UUID_TYPE
    if stored == "datetime":
        return UTCDateTime()
    if stored == "boolean":
        return sa.Boolean(create_constraint=False)
    simple: dict[str, type[TypeEngine[Any]]] = {
        "bigint": sa.BigInteger,
        "integer": sa.Integer,
        "double": sa.Double,
        "date": sa.Date,
        "time": sa.Time,
    }
    return simple[stored]()
