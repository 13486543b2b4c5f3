"""Column types: how each field kind is stored on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from framework_m_core.meta import FieldSpec


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


def column_type(spec: FieldSpec) -> TypeEngine[Any]:
    """The column type of a stored (non-table) field."""
    kind = spec.kind
    if kind == "data":
        return text_type(spec.max_length)
    if kind == "select":
        # Options are enforced by a CHECK constraint; the column itself does not limit them.
        return text_type() if all(isinstance(o, str) for o in spec.options) else sa.BigInteger()
    if kind == "int":
        return sa.BigInteger()
    if kind == "float":
        return sa.Double()
    if kind == "bool":
        return sa.Boolean(create_constraint=False)
    if kind == "decimal":
        return ExactDecimal(spec.max_digits, spec.decimal_places)
    if kind == "date":
        return sa.Date()
    if kind == "datetime":
        return UTCDateTime()
    if kind == "time":
        return sa.Time()
    if kind in ("uuid", "link"):
        return UUID_TYPE
    if kind == "json":
        return JSON_TYPE
    raise ValueError(f"field {spec.name!r} of kind {kind!r} has no column")
