"""Questions Studio asks the project's schema manager: the adapter start-up would choose for it.

Studio needs to know, for instance, where the project's migrations want renamed fields recorded; only
the persistence adapter knows (SQL records them next to its revisions; MongoDB keeps no columns), so
Studio asks it through its port instead of reading any adapter's settings.

Studio's edits are plain functions, run inside its server's event loop or outside any, while adapters
open and close asynchronously: the adapter lives its whole short life in an event loop of its own on
a worker thread, built for the question and closed after the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from framework_m_core.composition import Settings, select_adapters
from framework_m_core.ports import SchemaManager

T = TypeVar("T")


def ask_schema_manager(settings: Settings, question: Callable[[SchemaManager], T]) -> T:
    """``question(schema_manager)`` for the schema manager ``settings`` select."""

    async def ask() -> T:
        container = select_adapters(settings, ports=("schema_manager",))
        try:
            return question(container.get(SchemaManager))
        finally:
            await container.aclose()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="studio-schema") as worker:
        return worker.submit(lambda: asyncio.run(ask())).result()
