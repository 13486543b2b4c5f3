"""A clock in milliseconds: what a BSON date holds, so the timestamps the Kernel sets (creation,
modified) read back exactly as they were written."""

from __future__ import annotations

from datetime import UTC, datetime


class MillisecondClock:
    def now(self) -> datetime:
        now = datetime.now(UTC)
        return now.replace(microsecond=now.microsecond - now.microsecond % 1000)
