"""Cache: a key-value store for JSON-compatible values with optional expiry."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..types import JSONValue


@runtime_checkable
class Cache(Protocol):
    """Values are JSON-compatible (they may cross a network); ``ttl`` is in seconds.

    ``get`` returns ``None`` for a missing or expired key. Raises ``ValidationError`` for a value that is
    not JSON-compatible, ``AdapterError`` when the backing store fails.
    """

    async def get(self, key: str) -> JSONValue | None: ...

    async def set(self, key: str, value: JSONValue, *, ttl: float | None = None) -> None: ...

    async def delete(self, key: str) -> bool:
        """Remove ``key``; true if it existed."""
        ...

    async def clear(self, prefix: str = "") -> int:
        """Remove every key starting with ``prefix``; returns how many went."""
        ...
