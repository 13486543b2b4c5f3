"""The Kernel: the one place where document semantics live.

Every write runs ``authorize → load → merge → name → validate → hooks → persist (+ outbox) → commit →
publish``, inside one UnitOfWork shared by nested Kernel calls made from hooks. Adapters only store and
fetch, which is why every adapter behaves the same.

This class is the facade every interface calls; the work is done by one collaborator per concern, each
in its own module of this package:

* ``access`` — loading a document for an action, row filters, the NotFound that hides what one may not read;
* ``share_records`` — the DocShare rows (who holds what on which document);
* ``naming`` — naming new documents; ``payload`` — caller input made ready; ``hooks`` — running hooks;
* ``inserts`` — create and insert_many; ``writes`` — update, delete and the shared save step;
* ``document_events`` — the events a write queues for the outbox;
* ``reads`` — get, list, query, count (and ``Page``);
* ``lifecycle`` — submit, cancel, amend; ``sharing`` — share, shares, unshare; ``rpc`` — call, call_rpc.

The collaborators read the Kernel's ports through the ``Wiring`` view at each call, so a port replaced on
a built Kernel is used everywhere at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, TypeVar, overload
from uuid import UUID

from pydantic import BaseModel

from ..builtin import DocShare
from ..context import CallerContext
from ..controller import Controller
from ..doctype import DocType
from ..meta import Action, DocTypeMeta
from ..ports import (
    Cache,
    Clock,
    EventBus,
    IdGenerator,
    JobQueue,
    NamingCounter,
    Outbox,
    Permission,
    Repository,
    SchemaManager,
    UnitOfWork,
)
from ..query import MAX_LIMIT, Query
from ..registry import MetaRegistry
from ..types import Record
from .access import Access, document_meta
from .document_events import DocumentEvents
from .inserts import Inserts
from .lifecycle import CANCEL, SUBMIT, Lifecycle
from .naming import Naming
from .reads import Page, Reads
from .records import from_record
from .rpc import Rpc
from .scope import TransactionScopes
from .share_records import ShareRecords
from .sharing import Sharing
from .writes import UNVERSIONED_UPDATE_ATTEMPTS, Writes

__all__ = ["UNVERSIONED_UPDATE_ATTEMPTS", "Kernel", "Page"]

D = TypeVar("D", bound=DocType)


class Kernel:
    """The document service. Construct it with every port; interfaces call only its methods.

    The ports and ``max_limit`` stay plain attributes: replacing one (a spy repository in a test, a
    smaller ``max_limit``) takes effect for every later call."""

    def __init__(
        self,
        registry: MetaRegistry,
        *,
        repository: Repository,
        unit_of_work: UnitOfWork,
        schema_manager: SchemaManager,
        naming_counter: NamingCounter,
        outbox: Outbox,
        event_bus: EventBus,
        permission: Permission,
        clock: Clock,
        id_generator: IdGenerator,
        cache: Cache | None = None,
        job_queue: JobQueue | None = None,
        max_limit: int = MAX_LIMIT,
    ) -> None:
        self.registry = registry
        self.repository = repository
        self.schema_manager = schema_manager
        self.naming_counter = naming_counter
        self.outbox = outbox
        self.event_bus = event_bus
        self.permission = permission
        self.clock = clock
        self.ids = id_generator
        self.cache = cache
        self.job_queue = job_queue
        self.max_limit = max_limit
        self.scopes = TransactionScopes(unit_of_work, outbox, event_bus)
        shares = ShareRecords(self)
        access = Access(self, shares)
        events = DocumentEvents(self)
        self._inserts = Inserts(self, Naming(self), events)
        self._writes = Writes(self, access, events, shares)
        self._reads = Reads(self, access)
        self._lifecycle = Lifecycle(self, access, self._inserts, self._writes, events)
        self._sharing = Sharing(self, access, shares, self._inserts, self._reads, self._writes)
        self._rpc = Rpc(self, access)

    async def sync_schema(self) -> None:
        """Create storage for every registered DocType (safe changes only; see SchemaManager)."""
        await self.schema_manager.sync(self.registry.metas())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Group several Kernel calls: they commit together or not at all, and their events are
        published once, after the commit. Inside an operation (a hook, say) this joins it."""
        async with self.scopes.open():
            yield

    def meta(self, doctype: str | type[DocType]) -> DocTypeMeta:
        """The meta of a DocType callers may address; a child DocType is NotFound (it is read and
        written through its parent), an unknown one whatever the registry raises."""
        return document_meta(self.registry, doctype)

    def controller(
        self,
        meta: DocTypeMeta,
        doc: DocType,
        ctx: CallerContext,
        stored: Record | None = None,
    ) -> Controller[Any]:
        """The DocType's controller for ``doc``; ``stored`` (the record before this operation)
        becomes ``controller.previous`` when a hook asks for it. Without one (a create, a call) the
        controller is made with ``(doc, ctx, kernel)`` only, as a hand-written ``__init__`` expects."""
        controller_class = self.registry.controller(meta.name)
        if stored is None:
            return controller_class(doc, ctx, self)
        return controller_class(doc, ctx, self, previous=partial(from_record, meta, stored))

    # ------------------------------------------------------------- creation

    @overload
    async def create(
        self, ctx: CallerContext, doctype: type[D], data: Mapping[str, Any] | BaseModel
    ) -> D: ...
    @overload
    async def create(
        self, ctx: CallerContext, doctype: str, data: Mapping[str, Any] | BaseModel
    ) -> Any: ...

    async def create(
        self, ctx: CallerContext, doctype: str | type[DocType], data: Mapping[str, Any] | BaseModel
    ) -> Any:
        """Create a document; returns it as stored (named, versioned, with computed fields)."""
        return await self._inserts.create(ctx, self.meta(doctype), data)

    async def insert_many(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        items: Sequence[Mapping[str, Any] | BaseModel],
    ) -> list[Any]:
        """Create many documents all-or-nothing: one counter call per naming series, one Repository
        insert and one outbox write for the batch. A failure names the item's ``index`` in its details."""
        return await self._inserts.insert_many(ctx, self.meta(doctype), items)

    # ---------------------------------------------------------------- reads

    async def get(self, ctx: CallerContext, doctype: str | type[D], key: UUID | str) -> Any:
        """Get by id or name; raises NotFound also for documents the caller may not read."""
        return await self._reads.get(ctx, self.meta(doctype), key)

    async def list(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        *,
        filters: Any = None,
        order_by: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        fields: str | Sequence[str] | None = None,
        with_total: bool = False,
        records: bool = False,
    ) -> Page[Any]:
        """List readable documents. Filters accept the Frappe wire formats; RLS is added as a filter.

        Items are DocType instances, or the stored records (plain dicts) when ``fields`` selects
        columns or ``records`` is true: a caller that only encodes them skips rebuilding each
        document (see ``DocTypeMeta.serves_records`` for when that gives the same JSON)."""
        return await self._reads.list(
            ctx,
            self.meta(doctype),
            filters=filters,
            order_by=order_by,
            limit=limit,
            offset=offset,
            fields=fields,
            with_total=with_total,
            records=records,
        )

    async def query(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        query: Query,
        *,
        with_total: bool = False,
        records: bool = False,
    ) -> Page[Any]:
        """List with an already validated Query (what ``list`` builds)."""
        return await self._reads.query(ctx, meta, query, with_total=with_total, records=records)

    async def count(
        self, ctx: CallerContext, doctype: str | type[DocType], filters: Any = None
    ) -> int:
        """How many documents the caller may read match ``filters`` (the Frappe wire formats)."""
        return await self._reads.count(ctx, self.meta(doctype), filters)

    def permitted_actions(
        self, ctx: CallerContext, doctype: str | type[DocType]
    ) -> frozenset[Action]:
        """The actions the caller's roles grant on the DocType (shares not included)."""
        return self.permission.permitted_actions(ctx, self.meta(doctype))

    # ---------------------------------------------------------------- writes

    async def update(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        changes: Mapping[str, Any] | BaseModel,
        *,
        version: int | None = None,
        replace: bool = False,
    ) -> Any:
        """Merge ``changes`` into a draft (or replace all its fields with ``replace``).

        ``version`` is the version the caller edited; a stale one raises VersionConflict. Without
        one the caller asked for last-writer-wins, so a write that loses a race with another is
        applied again on top of the newer version (a few times at most) instead of failing; not
        inside a larger operation, whose other writes would be repeated."""
        return await self._writes.update(
            ctx, self.meta(doctype), key, changes, version=version, replace=replace
        )

    async def delete(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        *,
        hard: bool = False,
        version: int | None = None,
    ) -> None:
        """Soft delete (hidden, name kept) by default; ``hard`` removes the row and its shares."""
        await self._writes.delete(ctx, self.meta(doctype), key, hard=hard, version=version)

    # ------------------------------------------------------------ lifecycle

    async def submit(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        *,
        version: int | None = None,
    ) -> Any:
        """Draft → submitted; afterwards the document is immutable except for cancel."""
        return await self._lifecycle.transition(ctx, self.meta(doctype), key, version, SUBMIT)

    async def cancel(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        *,
        version: int | None = None,
    ) -> Any:
        """Submitted → cancelled; a cancelled document is immutable but can be amended."""
        return await self._lifecycle.transition(ctx, self.meta(doctype), key, version, CANCEL)

    async def amend(self, ctx: CallerContext, doctype: str | type[DocType], key: UUID | str) -> Any:
        """A new draft copied from a cancelled document, linked by ``amended_from``, named ``<base>-N``."""
        return await self._lifecycle.amend(ctx, self.meta(doctype), key)

    # ------------------------------------------------------------------ RPC

    async def call(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        method: str,
        args: Mapping[str, Any] | None = None,
    ) -> Any:
        """Call a ``@whitelist`` controller method on a document; anything else is NotFound."""
        return await self._rpc.call(ctx, self.meta(doctype), key, method, args)

    async def call_rpc(
        self, ctx: CallerContext, dotted_path: str, args: Mapping[str, Any] | None = None
    ) -> Any:
        """Call an ``@rpc`` function an app registered; unknown paths are NotFound, never imported."""
        return await self._rpc.call_rpc(ctx, dotted_path, args)

    # ---------------------------------------------------------------- shares

    async def share(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        user: str,
        actions: Collection[Action] = frozenset({"read"}),
    ) -> DocShare:
        """Grant ``user`` ``actions`` on one document. The sharer needs write access to it and may
        grant only actions they hold on it themselves; sharing with oneself or the Guest is refused."""
        return await self._sharing.share(ctx, self.meta(doctype), key, user, actions)

    async def shares(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Page[DocShare]:
        """The shares of one document, oldest first; like sharing, seeing them needs write access."""
        return await self._sharing.shares(ctx, self.meta(doctype), key, limit=limit, offset=offset)

    async def unshare(self, ctx: CallerContext, share_id: UUID) -> None:
        """Remove a share; the caller needs write access to the shared document."""
        await self._sharing.unshare(ctx, share_id)
