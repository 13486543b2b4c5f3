"""In-memory NamingCounter (atomic because the event loop runs one coroutine at a time)."""

from __future__ import annotations


class MemoryNamingCounter:
    def __init__(self) -> None:
        self._values: dict[str, int] = {}

    async def next(self, key: str, count: int = 1) -> int:
        if count < 1:
            raise ValueError("count must be at least 1")
        value = self._values.get(key, 0) + count
        self._values[key] = value
        return value

    async def current(self, key: str) -> int:
        return self._values.get(key, 0)
