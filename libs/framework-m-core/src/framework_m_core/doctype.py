"""The document model: ``DocType`` and ``ChildDocType`` bases, ``Meta`` options and field markers.

A DocType is a pydantic model. Its inner ``Meta`` class holds options; markers placed in ``Annotated``
describe what plain types cannot say (``Link``, ``FetchFrom``, ``Label``). Child tables are recognised by
type: a field typed ``list[SomeChildDocType]`` is a Table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from .ids import uuid7


class DocStatus(IntEnum):
    """Lifecycle of submittable documents: draft → submitted → cancelled."""

    DRAFT = 0
    SUBMITTED = 1
    CANCELLED = 2


@dataclass(frozen=True, slots=True)
class Link:
    """Marks a ``UUID`` field as a reference to a document of ``doctype`` (stores the target's id)."""

    doctype: str


@dataclass(frozen=True, slots=True)
class FetchFrom:
    """Copies a value from a linked document on save: ``FetchFrom("customer.customer_name")``."""

    source: str

    @property
    def link_field(self) -> str:
        return self.source.split(".", 1)[0]

    @property
    def target_field(self) -> str:
        return self.source.split(".", 1)[1]


@dataclass(frozen=True, slots=True)
class Label:
    """A human label for a field, shown by interfaces (defaults to the field name in title case)."""

    text: str


_MODEL_CONFIG = ConfigDict(
    extra="forbid",
    validate_assignment=True,
    validate_default=True,
    use_enum_values=False,
    ser_json_timedelta="iso8601",
)


class DocType(BaseModel):
    """Base of every top-level document type.

    Standard fields are owned by the Kernel: whatever a caller sends for them is replaced when the
    document is created or saved. ``id`` never changes once assigned.
    """

    model_config = _MODEL_CONFIG

    id: UUID = Field(default_factory=uuid7, frozen=True)
    name: str | None = None
    owner: str | None = None
    creation: datetime | None = None
    modified: datetime | None = None
    modified_by: str | None = None
    version: int = 0
    docstatus: DocStatus = DocStatus.DRAFT
    amended_from: UUID | None = None

    Meta: ClassVar[type]


class ChildDocType(BaseModel):
    """Base of rows of a child table; they live and die with their parent document."""

    model_config = _MODEL_CONFIG

    id: UUID = Field(default_factory=uuid7)
    idx: int = 0

    Meta: ClassVar[type]


STANDARD_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "owner",
    "creation",
    "modified",
    "modified_by",
    "version",
    "docstatus",
    "amended_from",
)
CHILD_STANDARD_FIELDS: tuple[str, ...] = ("id", "idx")
