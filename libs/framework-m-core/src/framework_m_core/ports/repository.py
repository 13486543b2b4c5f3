"""Repository: stores and fetches document records. It never runs hooks or checks permissions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable
from uuid import UUID

from ..meta import DocTypeMeta
from ..query import Filter, Query
from ..types import Record, Transaction


@runtime_checkable
class Repository(Protocol):
    """Persistence of records of any DocType, inside a transaction from the matching UnitOfWork.

    Child tables are part of their parent's record (a list of child records, ordered by ``idx``) and are
    written and replaced with it. Soft-deleted records are invisible unless ``include_deleted`` is true.

    Records always carry ``creation`` and ``modified`` (stores may require them).

    Raises: ``DuplicateName`` when ``name`` or a ``unique_together`` group is taken (soft-deleted rows
    still hold their name); ``VersionConflict`` when ``expected_version`` is stale; ``NotFound`` when the
    record to update or delete does not exist; ``AdapterError`` for storage failures.
    """

    async def insert(self, tx: Transaction, meta: DocTypeMeta, records: Sequence[Record]) -> None:
        """Insert one or many new records (with their children) in as few round trips as possible."""
        ...

    async def get(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, include_deleted: bool = False
    ) -> Record | None: ...

    async def get_by_name(
        self, tx: Transaction, meta: DocTypeMeta, name: str, *, include_deleted: bool = False
    ) -> Record | None: ...

    async def list(self, tx: Transaction, meta: DocTypeMeta, query: Query) -> list[Record]:
        """Rows matching ``query`` in ``query.sort_keys`` order; only ``query.fields`` when given
        (child tables only when selected or when all fields are)."""
        ...

    async def count(
        self,
        tx: Transaction,
        meta: DocTypeMeta,
        filters: Filter | None,
        *,
        include_deleted: bool = False,
    ) -> int: ...

    async def update(
        self, tx: Transaction, meta: DocTypeMeta, record: Record, *, expected_version: int
    ) -> None:
        """Replace the stored record whose id and version match (children replaced in the given order)."""
        ...

    async def mark_deleted(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int, at: datetime
    ) -> None:
        """Soft delete: hide the record from reads; its name stays taken."""
        ...

    async def delete(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int | None = None
    ) -> None:
        """Remove the record and its children for good."""
        ...
