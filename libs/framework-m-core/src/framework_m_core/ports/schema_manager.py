"""SchemaManager: makes storage (tables, collections, indexes) match the registered DocTypes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..meta import DocTypeMeta


@runtime_checkable
class SchemaManager(Protocol):
    """Creates and drops storage for DocTypes.

    ``sync`` is idempotent and applies only safe changes (new storage, new nullable fields, new indexes);
    anything else raises ``ConfigurationError`` naming the migration to write. Raises ``AdapterError`` for
    storage failures.
    """

    async def sync(self, metas: Sequence[DocTypeMeta]) -> None: ...

    async def drop(self, metas: Sequence[DocTypeMeta]) -> None: ...


@runtime_checkable
class MigratedSchema(Protocol):
    """Optional capability of a SchemaManager whose schema changes through migrations (SQL's).

    A migration sees a renamed field as one field dropped and another added, which loses its data.
    Tools that know better (Studio) record each rename in ``renames_file()``; the next migration turns
    the recorded renames into renames that keep the data. A SchemaManager without migrations (one
    that stores documents whole, as MongoDB's does) does not implement this, and nothing is recorded.
    """

    def renames_file(self) -> Path:
        """Where recorded renames go (the file need not exist yet)."""
        ...
