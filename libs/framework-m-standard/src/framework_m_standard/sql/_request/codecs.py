"""How values are stored, written once: the request path (``dialects.py``) and schema work (SQLAlchemy's
column types in ``types.py``) both convert through these functions, so a row written by either reads
back the same through the other.

The formats are SQLAlchemy's own: datetimes aware and in UTC (SQLite: naive UTC text with
microseconds), decimals exact (SQLite: their text, rounded to a fixed scale as PostgreSQL rounds),
UUIDs as 32 hex digits and booleans as 0/1 on SQLite, JSON as text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any
from uuid import UUID

Codec = Callable[[Any], Any]
"""One conversion, applied only to values that are not None (None is always SQL NULL)."""


def utc(value: Any) -> dt.datetime:
    """A storable datetime: aware, in UTC. Naive datetimes are refused (their zone is a guess)."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None:
        raise ValueError("naive datetimes cannot be stored; give a timezone")
    return value.astimezone(dt.UTC)


def as_utc(stored: dt.datetime) -> dt.datetime:
    """A datetime read back: naive ones were stored in UTC."""
    if stored.tzinfo is None:
        return stored.replace(tzinfo=dt.UTC)
    return stored.astimezone(dt.UTC)


def as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def fixed_scale(precision: int | None, scale: int | None) -> int | None:
    """The scale values are rounded to: only a column with both a precision and a scale has one
    (PostgreSQL's ``NUMERIC(p)`` would mean scale 0, so a lone precision is not passed on)."""
    return scale if precision is not None else None


def decimal_text(value: Any, scale: int | None) -> str:
    """A decimal as SQLite keeps it: its text, rounded to ``scale`` places (half away from zero, as
    PostgreSQL rounds to a column's scale) when the column has a fixed scale."""
    value = as_decimal(value)
    if scale is not None and value.is_finite():
        # Enough precision for every digit (the default context would refuse more than 28).
        digits = max(value.adjusted() + 1, 1) + scale + 1
        value = value.quantize(
            Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=Context(prec=digits)
        )
    return str(value)


def sqlite_datetime(value: Any) -> str:
    v = utc(value)
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
        f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"
    )


def sqlite_date(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def sqlite_time(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"


def from_sqlite_datetime(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def uuid_hex(value: Any) -> str:
    return (value if isinstance(value, UUID) else UUID(str(value))).hex


def json_text(value: Any) -> str:
    return json.dumps(value)


def json_list(items: Any) -> str:
    # json_each cuts a string at a NUL character, so such an item could never match: refused,
    # as PostgreSQL refuses NUL in text anywhere.
    for item in items:
        if isinstance(item, str) and "\x00" in item:
            raise ValueError("a list value contains a NUL character")
    return json.dumps(items)
