"""Type aliases shared by ports and adapters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    from .events import DomainEvent

Record: TypeAlias = dict[str, Any]
"""A document as stored: standard and declared fields as Python values, child tables as lists of records,
JSON fields as JSON-compatible data. Adapters exchange records, never DocType instances."""

JSONValue: TypeAlias = Any
EventHandler: TypeAlias = "Callable[[DomainEvent], Awaitable[None]]"


class Transaction(Protocol):
    """An open unit of work. Opaque to the Kernel; each adapter family knows its own concrete type."""
