"""Running a controller's hooks: plain or ``async`` alike, and after a write, without changing the document."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import Any

from ..controller import Controller
from ..doctype import DocType
from ..errors import ConfigurationError
from ..meta import DocTypeMeta
from .records import build, to_record


async def run(result: Awaitable[Any] | Any) -> Any:
    """The value of a hook, RPC method or ``autoname`` that may or may not be a coroutine."""
    return await result if inspect.isawaitable(result) else result


async def run_hooks(controller: Controller[Any], *names: str) -> None:
    """Run the named hooks in order; the first exception aborts the operation."""
    for name in names:
        await run(getattr(controller, name)())


async def run_after_hooks(meta: DocTypeMeta, controller: Controller[Any], *names: str) -> None:
    """Hooks that run once the document is written: a change they make to it would be lost
    silently, so it aborts the operation instead, naming the hook (ConfigurationError)."""
    for name in names:
        if getattr(type(controller), name) is getattr(Controller, name):
            continue
        saved = to_record(meta, controller.doc)
        await run(getattr(controller, name)())
        now = to_record(meta, controller.doc)
        if now != saved:
            changed = sorted(k for k in now.keys() | saved.keys() if now.get(k) != saved.get(k))
            raise ConfigurationError(
                f"{type(controller).__name__}.{name} changed {changed} after the {meta.name} "
                "was saved; make the change in a before_* hook (or save it with kernel.update)"
            )


def revalidate(meta: DocTypeMeta, doc: DocType) -> Any:
    """Hooks may mutate lists in place, which pydantic does not see; validate the whole doc again."""
    return build(meta, to_record(meta, doc))
