"""In-memory Repository: the reference implementation of the Repository contract."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from ..errors import DuplicateName, NotFound, VersionConflict
from ..meta import DocTypeMeta
from ..query import Filter, Query
from ..types import Record, Transaction
from .filtering import matches, sort_records
from .store import MemoryTransaction, as_memory_tx


class MemoryRepository:
    def _visible(
        self, tx: MemoryTransaction, meta: DocTypeMeta, include_deleted: bool
    ) -> list[Record]:
        rows = tx.table(meta.name).values()
        if include_deleted:
            return list(rows)
        return [r for r in rows if not tx.is_deleted(meta.name, r["id"])]

    def _check_unique(self, tx: MemoryTransaction, meta: DocTypeMeta, record: Record) -> None:
        for other in tx.table(meta.name).values():
            if other["id"] == record["id"]:
                continue
            if record.get("name") is not None and other.get("name") == record["name"]:
                raise DuplicateName(
                    f"{meta.name} {record['name']!r} already exists",
                    details={"doctype": meta.name, "name": record["name"]},
                )
            for group in meta.options.unique_together:
                values = [record.get(f) for f in group]
                if None not in values and values == [other.get(f) for f in group]:
                    raise DuplicateName(
                        f"{meta.name} with {dict(zip(group, values, strict=True))} already exists",
                        details={"doctype": meta.name, "fields": list(group)},
                    )

    async def insert(self, tx: Transaction, meta: DocTypeMeta, records: Sequence[Record]) -> None:
        mtx = as_memory_tx(tx)
        table = mtx.table(meta.name)
        for record in records:
            if record["id"] in table:
                raise DuplicateName(
                    f"{meta.name} id {record['id']} already exists",
                    details={"doctype": meta.name, "id": str(record["id"])},
                )
            self._check_unique(mtx, meta, record)
            mtx.put(meta.name, record)

    async def get(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, include_deleted: bool = False
    ) -> Record | None:
        mtx = as_memory_tx(tx)
        row = mtx.table(meta.name).get(id)
        if row is None or (not include_deleted and mtx.is_deleted(meta.name, id)):
            return None
        return copy.deepcopy(row)

    async def get_by_name(
        self, tx: Transaction, meta: DocTypeMeta, name: str, *, include_deleted: bool = False
    ) -> Record | None:
        mtx = as_memory_tx(tx)
        for row in self._visible(mtx, meta, include_deleted):
            if row.get("name") == name:
                return copy.deepcopy(row)
        return None

    async def list(self, tx: Transaction, meta: DocTypeMeta, query: Query) -> list[Record]:
        mtx = as_memory_tx(tx)
        rows = [
            r for r in self._visible(mtx, meta, query.include_deleted) if matches(r, query.filters)
        ]
        page = sort_records(rows, query.sort_keys)[query.offset : query.offset + query.limit]
        if query.fields is None:
            return copy.deepcopy(page)
        return [{f: copy.deepcopy(r.get(f)) for f in query.fields} for r in page]

    async def count(
        self,
        tx: Transaction,
        meta: DocTypeMeta,
        filters: Filter | None,
        *,
        include_deleted: bool = False,
    ) -> int:
        mtx = as_memory_tx(tx)
        return sum(1 for r in self._visible(mtx, meta, include_deleted) if matches(r, filters))

    def _current(
        self, tx: MemoryTransaction, meta: DocTypeMeta, id: UUID, expected_version: int | None
    ) -> Record:
        row = tx.table(meta.name).get(id)
        if row is None or tx.is_deleted(meta.name, id):
            raise NotFound(
                f"{meta.name} {id} not found", details={"doctype": meta.name, "id": str(id)}
            )
        if expected_version is not None and row["version"] != expected_version:
            raise VersionConflict(
                f"{meta.name} {row.get('name')} was changed by someone else "
                f"(version {row['version']}, you had {expected_version})",
                details={"doctype": meta.name, "current_version": row["version"]},
            )
        return row

    async def update(
        self, tx: Transaction, meta: DocTypeMeta, record: Record, *, expected_version: int
    ) -> None:
        mtx = as_memory_tx(tx)
        self._current(mtx, meta, record["id"], expected_version)
        self._check_unique(mtx, meta, record)
        mtx.put(meta.name, record)

    async def mark_deleted(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int, at: datetime
    ) -> None:
        mtx = as_memory_tx(tx)
        self._current(mtx, meta, id, expected_version)
        mtx.mark_deleted(meta.name, id, at)

    async def delete(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int | None = None
    ) -> None:
        mtx = as_memory_tx(tx)
        row = mtx.table(meta.name).get(id)
        if row is None:
            raise NotFound(
                f"{meta.name} {id} not found", details={"doctype": meta.name, "id": str(id)}
            )
        if expected_version is not None and row["version"] != expected_version:
            raise VersionConflict(
                f"{meta.name} {row.get('name')} was changed by someone else",
                details={"doctype": meta.name, "current_version": row["version"]},
            )
        mtx.remove(meta.name, id)
