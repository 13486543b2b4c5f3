"""The domain events a write emits: built from the document, queued on the operation's scope.

Queued events reach the outbox in the operation's own transaction, before it commits (see ``scope``), and
are published only after the commit.
"""

from __future__ import annotations

from typing import Any

from ..context import CallerContext
from ..doctype import DocType
from ..events import DomainEvent
from ..meta import DocTypeMeta
from .scope import Scope
from .wiring import Wiring


class DocumentEvents:
    """Builds events with the Kernel's id generator and clock."""

    def __init__(self, kernel: Wiring) -> None:
        self._kernel = kernel

    def build(
        self, ctx: CallerContext, meta: DocTypeMeta, kind: str, doc: DocType, **extra: Any
    ) -> DomainEvent:
        """The ``kind`` event of ``doc``: the whole document as JSON (only id and name once deleted),
        plus ``extra``."""
        data = (
            doc.model_dump(mode="json")
            if kind != "deleted"
            else {"id": str(doc.id), "name": doc.name}
        )
        return DomainEvent(
            id=self._kernel.ids.new_id(),
            type=kind,
            doctype=meta.name,
            document_id=doc.id,
            document_name=doc.name,
            time=self._kernel.clock.now(),
            actor=ctx.user,
            data={**data, **extra},
            tenant=ctx.tenant,
        )

    def emit(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        kind: str,
        doc: DocType,
        **extra: Any,
    ) -> None:
        """Queue the ``kind`` event of ``doc`` on ``scope``."""
        scope.events.append(self.build(ctx, meta, kind, doc, **extra))
