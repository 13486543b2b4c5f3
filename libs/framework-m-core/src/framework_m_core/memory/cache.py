"""In-memory Cache with expiry measured by the Clock port."""

from __future__ import annotations

import json

from ..errors import ValidationError
from ..ports.clock import Clock
from ..types import JSONValue
from .clock import SystemClock


class MemoryCache:
    """Stores values as JSON text, so callers get copies and non-JSON values fail as they would remotely."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._items: dict[str, tuple[str, float | None]] = {}

    def _now(self) -> float:
        return self._clock.now().timestamp()

    async def get(self, key: str) -> JSONValue | None:
        item = self._items.get(key)
        if item is None:
            return None
        text, expires = item
        if expires is not None and self._now() >= expires:
            del self._items[key]
            return None
        return json.loads(text)

    async def set(self, key: str, value: JSONValue, *, ttl: float | None = None) -> None:
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"cache value for {key!r} is not JSON-compatible: {exc}") from exc
        if ttl is not None and ttl <= 0:
            raise ValidationError("ttl must be positive")
        self._items[key] = (text, None if ttl is None else self._now() + ttl)

    async def delete(self, key: str) -> bool:
        return self._items.pop(key, None) is not None

    async def clear(self, prefix: str = "") -> int:
        keys = [k for k in self._items if k.startswith(prefix)]
        for k in keys:
            del self._items[k]
        return len(keys)
