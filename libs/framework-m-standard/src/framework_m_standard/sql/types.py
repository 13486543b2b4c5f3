"""SQLAlchemy column types: how each ``ColumnType`` is created and migrated on SQLite and PostgreSQL.

Schema work only (DDL, Alembic); serving processes never import this module. Migration revision files
refer to ``UTCDateTime``, ``ExactDecimal`` and ``JSON_TYPE`` here by name, so they stay where they are.
The conversions their ``process_*`` methods make are the ones ``dialects.py`` makes at run time (a
test keeps the two in step)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from .tables import ColumnType


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes, always returned in UTC.

    PostgreSQL stores ``timestamptz``; SQLite stores naive UTC text, which sorts chronologically."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetimes cannot be stored; give a timezone")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stored: dt.datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=dt.UTC)
        return stored.astimezone(dt.UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """Decimals without rounding: NUMERIC on PostgreSQL, the decimal's text on SQLite (whose NUMERIC is a
    float). SQLite comparisons and ordering go through ``CAST(col AS REAL)``; see ``filters.py``.

    With both ``max_digits`` and ``decimal_places`` the column is ``NUMERIC(p, s)`` and values come back
    with exactly ``s`` places on both databases (SQLite pads the text as PostgreSQL does). Otherwise the
    column is plain ``NUMERIC`` and values come back with the digits and scale they were written with:
    PostgreSQL's ``NUMERIC(p)`` would mean ``NUMERIC(p, 0)`` and round every fraction away."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int | None = None, scale: int | None = None) -> None:
        super().__init__()
        self.precision, self.scale = precision, scale

    @property
    def _fixed_scale(self) -> int | None:
        return self.scale if self.precision is not None else None

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        if self._fixed_scale is None:
            return dialect.type_descriptor(sa.Numeric(asdecimal=True))
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = value if isinstance(value, Decimal) else Decimal(str(value))
        if dialect.name != "sqlite":
            return value
        scale = self._fixed_scale
        if scale is not None and value.is_finite():
            # PostgreSQL rounds half away from zero to the column's scale; do the same, with enough
            # precision for every digit (the default context would refuse more than 28).
            digits = max(value.adjusted() + 1, 1) + scale + 1
            value = value.quantize(
                Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=Context(prec=digits)
            )
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


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
