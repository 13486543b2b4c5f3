"""Id generators: random UUIDv7 for production, a deterministic sequence for tests."""

from __future__ import annotations

import threading
import uuid

from ..ids import uuid7


class UUID7Generator:
    """Monotonic UUIDv7: within one millisecond, ids still increase."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def new_id(self) -> uuid.UUID:
        with self._lock:
            candidate = uuid7().int
            if candidate <= self._last:
                candidate = self._last + 1
            self._last = candidate
            return uuid.UUID(int=candidate)


class SequentialIdGenerator:
    """UUIDv7-shaped ids from a counter: ``...-0001``, ``...-0002`` — reproducible across runs."""

    def __init__(self, start_ms: int = 1_767_225_600_000) -> None:
        self._ms = start_ms
        self._n = 0

    def new_id(self) -> uuid.UUID:
        self._n += 1
        value = (self._ms << 80) | (0x7 << 76) | (0b10 << 62) | self._n
        return uuid.UUID(int=value)
