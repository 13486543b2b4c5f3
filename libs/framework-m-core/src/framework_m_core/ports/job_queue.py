"""JobQueue: run work later, outside the request that asked for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeAlias, runtime_checkable

JobHandler: TypeAlias = Callable[..., Awaitable[Any]]


@runtime_checkable
class JobQueue(Protocol):
    """Named jobs with JSON-compatible keyword arguments.

    ``enqueue`` returns the job id (``job_id`` makes enqueueing idempotent). Raises ``NotFound`` for an
    unregistered job name, ``ValidationError`` for arguments that are not JSON-compatible, ``AdapterError``
    when the broker fails.
    """

    def register(self, name: str, handler: JobHandler) -> None: ...

    async def enqueue(
        self,
        name: str,
        kwargs: Mapping[str, Any] | None = None,
        *,
        delay: float | None = None,
        job_id: str | None = None,
    ) -> str: ...
