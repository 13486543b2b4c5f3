"""In-memory SchemaManager: creates and drops the store's per-DocType tables."""

from __future__ import annotations

from collections.abc import Sequence

from ..meta import DocTypeMeta
from .store import MemoryStore


class MemorySchemaManager:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    async def sync(self, metas: Sequence[DocTypeMeta]) -> None:
        for meta in metas:
            self.store.tables.setdefault(meta.name, {})

    async def drop(self, metas: Sequence[DocTypeMeta]) -> None:
        for meta in metas:
            self.store.tables.pop(meta.name, None)
            self.store.deleted.pop(meta.name, None)
