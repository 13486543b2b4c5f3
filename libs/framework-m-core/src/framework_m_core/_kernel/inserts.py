"""New documents: ``create`` one, ``insert_many`` all-or-nothing, and the insert that ``amend`` reuses.

A new document goes: standard fields → create permission → links → name → validate, ``before_insert``,
``before_save`` → validate again → one Repository insert → ``after_insert``, ``after_save`` → a
``created`` event, all in the operation's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from ..context import CallerContext
from ..controller import Controller
from ..doctype import DocStatus
from ..errors import ValidationError
from ..meta import DocTypeMeta
from .document_events import DocumentEvents
from .hooks import revalidate, run_after_hooks, run_hooks
from .links import resolve_links
from .naming import Naming, Staged
from .payload import number_children, payload_of
from .records import build, to_record
from .scope import Scope
from .wiring import Wiring


@contextmanager
def _item(index: int) -> Iterator[None]:
    """Label a validation error with the batch item it came from."""
    try:
        yield
    except ValidationError as exc:
        exc.details["index"] = index
        raise


class Inserts:
    """Creates documents through the Kernel's ports, naming them with ``naming``."""

    def __init__(self, kernel: Wiring, naming: Naming, events: DocumentEvents) -> None:
        self._kernel = kernel
        self._naming = naming
        self._events = events

    async def create(
        self, ctx: CallerContext, meta: DocTypeMeta, data: Mapping[str, Any] | BaseModel
    ) -> Any:
        """Create a document; returns it as stored (named, versioned, with computed fields)."""
        self._kernel.permission.check(ctx, meta, "create")
        async with self._kernel.scopes.open() as scope:
            return await self.insert(scope, ctx, meta, payload_of(meta, data))

    async def insert_many(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        items: Sequence[Mapping[str, Any] | BaseModel],
    ) -> list[Any]:
        """Create many documents all-or-nothing: one counter call per naming series, one Repository
        insert and one outbox write for the batch. A failure names the item's ``index`` in its details."""
        self._kernel.permission.check(ctx, meta, "create")
        async with self._kernel.scopes.open() as scope:
            staged: list[Staged] = []
            for i, item in enumerate(items):
                with _item(i):
                    staged.append(await self._stage(scope, ctx, meta, payload_of(meta, item)))
            await self._naming.name_all(meta, staged)
            prepared: list[tuple[Any, Controller[Any]]] = []
            for i, (_, controller, _) in enumerate(staged):
                with _item(i):
                    prepared.append(await self._validate(meta, controller))
            await self._kernel.repository.insert(
                scope.tx, meta, [to_record(meta, doc) for doc, _ in prepared]
            )
            for i, (doc, controller) in enumerate(prepared):
                with _item(i):
                    await self._finish(scope, ctx, meta, doc, controller)
        return [doc for doc, _ in prepared]

    async def insert(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        payload: dict[str, Any],
        *,
        name: str | None = None,
        amended_from: UUID | None = None,
    ) -> Any:
        """Insert one document from a prepared ``payload`` inside ``scope``; ``name`` skips naming."""
        doc, controller, links = await self._stage(
            scope, ctx, meta, payload, amended_from=amended_from
        )
        doc.name = name or await self._naming.name(meta, doc, controller, links)
        doc, controller = await self._validate(meta, controller)
        await self._kernel.repository.insert(scope.tx, meta, [to_record(meta, doc)])
        return await self._finish(scope, ctx, meta, doc, controller)

    async def _stage(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        payload: dict[str, Any],
        *,
        amended_from: UUID | None = None,
    ) -> Staged:
        """A new document with its standard fields, checked for permission and links, not yet named."""
        kernel = self._kernel
        now = kernel.clock.now()
        number_children(meta, payload, kernel.ids)
        payload.update(
            id=kernel.ids.new_id(),
            owner=ctx.user,
            creation=now,
            modified=now,
            modified_by=ctx.user,
            version=1,
            docstatus=DocStatus.DRAFT,
            amended_from=amended_from,
        )
        payload.setdefault("name", None)
        doc = build(meta, payload)
        kernel.permission.check(ctx, meta, "create", to_record(meta, doc))
        links = await resolve_links(scope.tx, kernel.repository, kernel.registry, meta, doc)
        return doc, kernel.controller(meta, doc, ctx), links

    async def _validate(
        self, meta: DocTypeMeta, controller: Controller[Any]
    ) -> tuple[Any, Controller[Any]]:
        """Run the hooks before the write, then validate what they left."""
        await run_hooks(controller, "validate", "before_insert", "before_save")
        controller.doc = revalidate(meta, controller.doc)
        return controller.doc, controller

    async def _finish(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        doc: Any,
        controller: Controller[Any],
    ) -> Any:
        """After the write: the after hooks, then the ``created`` event."""
        await run_after_hooks(meta, controller, "after_insert", "after_save")
        self._events.emit(scope, ctx, meta, "created", doc)
        return doc
