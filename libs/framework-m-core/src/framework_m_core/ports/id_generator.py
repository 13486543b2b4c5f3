"""IdGenerator: the only source of new document and event ids, so tests can make them predictable."""

from __future__ import annotations

from typing import Protocol, runtime_checkable
from uuid import UUID


@runtime_checkable
class IdGenerator(Protocol):
    def new_id(self) -> UUID:
        """A new UUIDv7, greater than every id this generator returned before."""
        ...
