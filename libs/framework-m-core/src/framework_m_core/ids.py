"""UUIDv7 generation (time-ordered ids) without depending on Python 3.14's ``uuid.uuid7``."""

from __future__ import annotations

import os
import time
import uuid


def uuid7(unix_ms: int | None = None) -> uuid.UUID:
    """Return a RFC 9562 version-7 UUID: 48 bits of Unix milliseconds, then 74 random bits.

    Ids sort by creation time, which keeps B-tree inserts local and gives lists a stable tie-breaker.
    """
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    if not 0 <= ms < 1 << 48:
        raise ValueError("unix_ms must fit in 48 bits")
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (ms << 80)
        | (0x7 << 76)
        | ((rand >> 62) & 0xFFF) << 64
        | (0b10 << 62)
        | (rand & ((1 << 62) - 1))
    )
    return uuid.UUID(int=value)
