"""NamingCounter: the next number of a naming series, unique even under concurrent callers."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class NamingCounter(Protocol):
    """Atomic per-key counters.

    ``next`` increments and returns the new value (the first call for a key returns 1). It must not hold
    a lock for the rest of the caller's transaction: stores with row locks commit it on its own (numbers
    of a rolled-back save are then skipped); single-writer stores such as SQLite, which serialize whole
    write transactions anyway, may count inside the caller's transaction (numbers are then reused).
    Raises ``AdapterError`` for storage failures.
    """

    async def next(self, key: str, count: int = 1) -> int:
        """Reserve ``count`` consecutive numbers (one statement) and return the last of them."""
        ...

    async def current(self, key: str) -> int:
        """The last value handed out for ``key`` (0 if none)."""
        ...
