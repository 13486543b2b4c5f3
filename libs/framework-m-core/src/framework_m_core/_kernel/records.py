"""Conversions between DocType instances and the records adapters store, and pydantic error mapping."""

from __future__ import annotations

from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ..errors import FieldError, ValidationError
from ..meta import DocTypeMeta
from ..types import Record


def validation_error(exc: PydanticValidationError, doctype: str) -> ValidationError:
    """Translate pydantic's errors into one ValidationError with a per-field list."""
    errors = [
        FieldError(list(e["loc"]), e["msg"], e["type"]) for e in exc.errors(include_url=False)
    ]
    where = ", ".join(".".join(str(p) for p in e["loc"]) or "document" for e in errors[:5])
    return ValidationError(f"invalid {doctype}: {where}", errors)


def to_record(meta: DocTypeMeta, doc: BaseModel) -> Record:
    """A record holds plain Python values; JSON fields hold JSON-mode data; enums hold their values."""
    record: Record = {}
    json_fields = {s.name for s in meta.fields.values() if s.kind == "json"}
    dumped_json = doc.model_dump(mode="json", include=json_fields) if json_fields else {}
    for spec in meta.fields.values():
        value = getattr(doc, spec.name)
        if spec.kind == "table":
            child_meta = meta.children[spec.name]
            record[spec.name] = [to_record(child_meta, row) for row in value]
        elif spec.kind == "json":
            record[spec.name] = dumped_json[spec.name]
        elif isinstance(value, Enum):
            record[spec.name] = value.value
        else:
            record[spec.name] = value
    return record


def from_record(meta: DocTypeMeta, record: Record) -> Any:
    """Rebuild the DocType instance from a stored record (re-validating it)."""
    try:
        return meta.model.model_validate(record)
    except PydanticValidationError as exc:
        raise validation_error(exc, meta.name) from exc


def build(meta: DocTypeMeta, payload: dict[str, Any]) -> Any:
    """Validate ``payload`` as a ``meta`` document; pydantic errors become ValidationError."""
    try:
        doc = meta.model.model_validate(payload)
    except PydanticValidationError as exc:
        raise validation_error(exc, meta.name) from None
    require_aware(meta, doc)
    return doc


def require_aware(meta: DocTypeMeta, doc: BaseModel) -> None:
    """Datetimes must carry a timezone: a naive one means different instants to different readers."""
    naive: list[FieldError] = []
    sites: list[tuple[list[str | int], BaseModel, DocTypeMeta]] = [([], doc, meta)]
    for table, child_meta in meta.children.items():
        sites += [([table, i], row, child_meta) for i, row in enumerate(getattr(doc, table))]
    for loc, obj, sub in sites:
        for spec in sub.fields.values():
            value = getattr(obj, spec.name)
            if spec.kind == "datetime" and value is not None and value.tzinfo is None:
                naive.append(
                    FieldError([*loc, spec.name], "datetime without a timezone", "naive_datetime")
                )
    if naive:
        raise ValidationError(f"invalid {meta.name}: datetimes need a timezone", naive)


def as_uuid(value: Any) -> UUID | None:
    """``value`` as a UUID when it is one or spells one; ``None`` otherwise (a name, say)."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            return None
    return None
