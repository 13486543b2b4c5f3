"""In-memory JobQueue: jobs run as asyncio tasks in this process; ``drain`` waits for them."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

from ..errors import NotFound, ValidationError
from ..ports.id_generator import IdGenerator
from ..ports.job_queue import JobHandler
from .id_generator import UUID7Generator

log = logging.getLogger("framework_m.jobs")


class MemoryJobQueue:
    def __init__(self, ids: IdGenerator | None = None) -> None:
        self._handlers: dict[str, JobHandler] = {}
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._ids = ids or UUID7Generator()
        self.results: dict[str, Any] = {}
        self.failures: dict[str, BaseException] = {}

    def register(self, name: str, handler: JobHandler) -> None:
        self._handlers[name] = handler

    async def enqueue(
        self,
        name: str,
        kwargs: Mapping[str, Any] | None = None,
        *,
        delay: float | None = None,
        job_id: str | None = None,
    ) -> str:
        handler = self._handlers.get(name)
        if handler is None:
            raise NotFound(f"no job named {name!r} is registered", details={"job": name})
        args = dict(kwargs or {})
        try:
            args = json.loads(json.dumps(args))
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                f"arguments of job {name!r} are not JSON-compatible: {exc}"
            ) from exc
        key = job_id or str(self._ids.new_id())
        if key in self._tasks:
            return key
        self._tasks[key] = asyncio.create_task(self._run(key, handler, args, delay))
        return key

    async def _run(
        self, key: str, handler: JobHandler, args: dict[str, Any], delay: float | None
    ) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            self.results[key] = await handler(**args)
        except Exception as exc:
            log.exception("job %s failed", key)
            self.failures[key] = exc

    async def drain(self) -> None:
        """Wait until every job enqueued so far has finished."""
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
