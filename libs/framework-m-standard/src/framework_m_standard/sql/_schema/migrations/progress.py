"""Progress of a migration run, one line per revision, so a long upgrade is never a silent wait.

``applying 3f2a1c9b8d7e add discount (1/3) … done in 0.41s``: the line starts when the revision
starts and ends when it is recorded, so a slow revision is visible while it runs — in a terminal and
in a deployment log alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from alembic.script import Script

Write = Callable[[str], None]
"""Receives text to show as is (it carries its own line ends)."""


def label(script: Script) -> str:
    """``3f2a1c9b8d7e add discount`` — how messages name a revision."""
    return f"{script.revision} {script.doc or ''}".strip()


@dataclass
class Progress:
    """Announces each step of a run as it starts, and its duration when it is done."""

    write: Write
    verb: str
    steps: list[Script] = field(default_factory=list)
    done: list[Script] = field(default_factory=list)
    _started: float = 0.0

    def begin(self, steps: Sequence[Script]) -> None:
        self.steps = list(steps)
        self._announce()

    def _announce(self) -> None:
        if len(self.done) < len(self.steps):
            step = self.steps[len(self.done)]
            self.write(f"{self.verb} {label(step)} ({len(self.done) + 1}/{len(self.steps)}) … ")
            self._started = time.perf_counter()

    @property
    def running(self) -> Script | None:
        return self.steps[len(self.done)] if len(self.done) < len(self.steps) else None

    def on_version_apply(self, **_: Any) -> None:
        """Alembic's ``on_version_apply`` hook: the running revision is applied and recorded."""
        current = self.running
        if current is None:
            return
        self.write(f"done in {time.perf_counter() - self._started:.2f}s\n")
        self.done.append(current)
        self._announce()

    def failed(self) -> None:
        if self.running is not None:
            self.write("failed\n")
