"""Records (plain Python values, as the Kernel hands them over) to BSON documents and back.

The mapping is driven by each field's kind, so it is exact both ways:

* ``id`` is the document's ``_id`` (a UUID in the standard binary representation); child rows keep
  ``id`` as an ordinary field inside their parent's array.
* decimals are Decimal128 (exact, and ordered numerically by the server);
* datetimes are BSON dates, stored in UTC and read back timezone-aware — BSON dates hold
  milliseconds, so finer parts are dropped (the one difference from the SQL adapters);
* dates are BSON dates at midnight UTC (so they compare and sort as dates);
* times are fixed-width ``HH:MM:SS.ffffff`` strings (BSON has no time type; the fixed width makes
  string order time order);
* child tables are arrays of sub-documents in ``idx`` order, JSON fields are stored as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, DecimalException
from enum import Enum
from typing import Any

from bson.decimal128 import Decimal128

from framework_m_core.meta import DocTypeMeta, FieldKind
from framework_m_core.types import Record

ID = "_id"
DELETED_AT = "deleted_at"
"""Set when a document is soft-deleted; absent or null while it is visible."""


class Unstorable(ValueError):
    """A value BSON cannot hold (a decimal beyond Decimal128, an integer beyond 64 bits)."""


def encode_value(kind: FieldKind, value: Any) -> Any:
    """One field's value as stored; also used for the operands of filters."""
    if value is None:
        return None
    if kind == "decimal":
        try:
            return Decimal128(value if isinstance(value, Decimal) else Decimal(str(value)))
        except DecimalException as exc:
            raise Unstorable(f"{value} does not fit a Decimal128 (34 digits)") from exc
    if kind == "int" and isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise Unstorable(f"{value} does not fit a 64-bit integer")
    if kind == "datetime":
        return value.astimezone(dt.UTC) if value.tzinfo is not None else value
    if kind == "date":
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if kind == "time":
        return value.isoformat(timespec="microseconds")
    return value


def decode_value(kind: FieldKind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "decimal":
        return value.to_decimal() if isinstance(value, Decimal128) else Decimal(str(value))
    if kind == "date" and isinstance(value, dt.datetime):
        return value.date()
    if kind == "time" and isinstance(value, str):
        return dt.time.fromisoformat(value)
    return value


def to_document(
    meta: DocTypeMeta, record: Mapping[str, Any], *, child: bool = False
) -> dict[str, Any]:
    """The BSON document of ``record``; children become arrays of sub-documents."""
    document: dict[str, Any] = {}
    for name, spec in meta.fields.items():
        value = record.get(name)
        if spec.kind == "table":
            child_meta = meta.children[name]
            rows = sorted(value or [], key=lambda row: row.get("idx") or 0)
            document[name] = [to_document(child_meta, row, child=True) for row in rows]
        else:
            document[ID if name == "id" and not child else name] = encode_value(spec.kind, value)
    return document


def _absent(meta: DocTypeMeta, name: str) -> Any:
    """The value of a field a stored document lacks (written before the field existed): its
    default, else None."""
    info = meta.model.model_fields[name]
    if info.is_required():
        return None
    default = info.get_default(call_default_factory=True)
    return default.value if isinstance(default, Enum) else default


def from_document(
    meta: DocTypeMeta, document: Mapping[str, Any], fields: tuple[str, ...] | None = None
) -> Record:
    """The record of ``document``: every field of ``meta`` (or only ``fields``); a field the document
    lacks gets its default."""
    record: Record = {}
    for name in fields or meta.fields:
        spec = meta.fields[name]
        if name not in document and not (name == "id" and ID in document):
            record[name] = _absent(meta, name)
        elif spec.kind == "table":
            child_meta = meta.children[name]
            record[name] = [from_document(child_meta, row) for row in document.get(name) or []]
        elif name == "id" and ID in document:
            record["id"] = document[ID]
        else:
            record[name] = decode_value(spec.kind, document.get(name))
    return record
