"""Clocks: the system clock and a frozen, steppable one for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """Returns a fixed time until moved with ``advance`` (every ``now`` may also step by ``tick``)."""

    def __init__(self, start: datetime | None = None, *, tick: timedelta = timedelta(0)) -> None:
        start = start or datetime(2026, 1, 1, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._tick = tick

    def now(self) -> datetime:
        current = self._now
        self._now += self._tick
        return current

    def advance(self, delta: timedelta) -> None:
        self._now += delta
