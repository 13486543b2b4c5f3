"""SchemaManager: makes storage (tables, collections, indexes) match the registered DocTypes."""

from __future__ import annotations

from collections.abc import Sequence
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
