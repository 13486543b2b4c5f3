"""What ``m doctor`` learns from the adapters themselves.

The CLI knows no adapter: an adapter that can tell whether it will work — its database reachable, its
schema at the latest migration — implements ``SelfDiagnosing``, and ``m doctor`` runs its checks when
it is the chosen one. An adapter without it gets the generic check (one read through its port).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..registry import MetaRegistry
    from .settings import Settings

Level = Literal["ok", "warning", "error"]
"""``ok``; ``warning``: it runs, but fix this before production; ``error``: start-up would fail or the
data is unreachable."""


@dataclass(frozen=True)
class Diagnosis:
    """One finding: what was checked (``name``), how it went and, in a line, why."""

    name: str
    status: Level
    detail: str


@runtime_checkable
class SelfDiagnosing(Protocol):
    """Optional capability of any adapter: checks of its own for ``m doctor``. They only read; a
    failure is reported as a Diagnosis with status ``error``, never raised."""

    async def diagnose(self, settings: Settings, registry: MetaRegistry) -> list[Diagnosis]: ...
