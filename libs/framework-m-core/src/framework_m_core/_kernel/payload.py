"""What a caller sends, made ready to become a document: Kernel-owned fields dropped, child rows numbered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ..doctype import STANDARD_FIELDS
from ..errors import FieldError, ValidationError
from ..meta import DocTypeMeta
from ..naming import parse_naming
from ..ports import IdGenerator
from ..types import Record
from .records import as_uuid, to_record


def payload_of(meta: DocTypeMeta, data: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    """Caller input without the Kernel-owned standard fields; ``name`` stays only for prompt naming.

    Computed fields are dropped too. Anything but a mapping or a model is a ValidationError."""
    if isinstance(data, meta.model):
        raw = to_record(meta, data)
    elif isinstance(data, BaseModel):
        raw = data.model_dump(exclude=set(type(data).model_computed_fields))
    elif isinstance(data, Mapping):
        raw = dict(data)
    else:
        raise ValidationError(
            f"{meta.name} data must be an object, not {type(data).__name__}",
            [FieldError([], "expected an object", "model_type")],
        )
    keep_name = parse_naming(meta.options.naming).kind == "prompt"
    for key in STANDARD_FIELDS:
        if key != "name" or not keep_name:
            raw.pop(key, None)
    for key in meta.computed:
        raw.pop(key, None)
    return raw


def number_children(
    meta: DocTypeMeta,
    payload: dict[str, Any],
    ids: IdGenerator,
    existing: Record | None = None,
) -> None:
    """Give child rows ids (keeping ids of rows that already belong to this document) and idx.

    ``existing`` is the stored record of an update; a row whose id is not among its rows gets a new
    one, so a caller cannot adopt another document's row."""
    for table in meta.children:
        rows = payload.get(table)
        if not isinstance(rows, list):
            continue
        known = {row["id"] for row in (existing or {}).get(table, [])}
        numbered = []
        for i, row in enumerate(rows, start=1):
            item = (
                row.model_dump()
                if isinstance(row, BaseModel)
                else dict(row)
                if isinstance(row, Mapping)
                else row
            )
            if isinstance(item, dict):
                row_id = as_uuid(item.get("id"))
                item["id"] = row_id if row_id in known else ids.new_id()
                item["idx"] = i
            numbered.append(item)
        payload[table] = numbered
