"""NamingCounter: the next number of a naming series, unique even under concurrent callers."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class NamingCounter(Protocol):
    """Atomic per-key counters.

    ``next`` increments and returns the new value (the first call for a key returns 1); it commits on its
    own, outside the caller's transaction, so no row stays locked while a document is saved. Numbers burnt
    by a rolled-back save are not reused. Raises ``AdapterError`` for storage failures.
    """

    async def next(self, key: str) -> int: ...

    async def current(self, key: str) -> int:
        """The last value handed out for ``key`` (0 if none)."""
        ...
