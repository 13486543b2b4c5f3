"""The Kernel: the one place where document semantics live.

Every write runs ``authorize → load → merge → name → validate → hooks → persist (+ outbox) → commit →
publish``, inside one UnitOfWork shared by nested Kernel calls made from hooks. Adapters only store and
fetch, which is why every adapter behaves the same.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Collection, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload
from uuid import UUID

from pydantic import BaseModel, validate_call
from pydantic import ValidationError as PydanticValidationError

from ..builtin import DocShare
from ..context import GUEST_USER, CallerContext, SystemContext
from ..controller import Controller, exposure_of
from ..doctype import STANDARD_FIELDS, DocStatus, DocType
from ..errors import (
    ConfigurationError,
    DocumentSubmitted,
    FieldError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
    VersionConflict,
)
from ..events import DomainEvent
from ..meta import ACTIONS, Action, DocTypeMeta
from ..naming import SeriesName, parse_naming, plan_series
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
from ..query import MAX_LIMIT, Condition, Filter, Query, all_of, build_query, parse_filters
from ..registry import MetaRegistry
from ..types import Record, Transaction
from .links import ensure_not_linked, resolve_links
from .records import build, from_record, to_record, validation_error
from .scope import Scope, TransactionScopes

D = TypeVar("D", bound=DocType)
UNVERSIONED_UPDATE_ATTEMPTS = 3
"""How often an update sent without a version is tried when concurrent writers keep winning."""
_Staged = tuple[Any, Controller[Any], Mapping[UUID, Record]]


@contextmanager
def _item(index: int) -> Iterator[None]:
    """Label a validation error with the batch item it came from."""
    try:
        yield
    except ValidationError as exc:
        exc.details["index"] = index
        raise


_AMENDED = re.compile(r"^(.*)-(\d+)$")


@dataclass(frozen=True)
class _Transition:
    action: Action
    source: DocStatus
    target: DocStatus
    before: tuple[str, ...]
    after: tuple[str, ...]
    event: str


_SUBMIT = _Transition(
    "submit",
    DocStatus.DRAFT,
    DocStatus.SUBMITTED,
    ("validate", "before_submit"),
    ("on_submit",),
    "submitted",
)
_CANCEL = _Transition(
    "cancel",
    DocStatus.SUBMITTED,
    DocStatus.CANCELLED,
    ("before_cancel",),
    ("on_cancel",),
    "cancelled",
)


@dataclass(frozen=True)
class Page(Generic[D]):
    """One page of a list: documents (or dicts when fields were selected), optional total, paging."""

    items: list[Any]
    limit: int
    offset: int
    has_more: bool
    total: int | None = None


class Kernel:
    """The document service. Construct it with every port; interfaces call only its methods."""

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
        self._share_meta = registry.get("DocShare") if "DocShare" in registry else None

    async def sync_schema(self) -> None:
        """Create storage for every registered DocType (safe changes only; see SchemaManager)."""
        await self.schema_manager.sync(self.registry.metas())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Group several Kernel calls: they commit together or not at all, and their events are
        published once, after the commit. Inside an operation (a hook, say) this joins it."""
        async with self.scopes.open():
            yield

    # ---------------------------------------------------------------- helpers

    def meta(self, doctype: str | type[DocType]) -> DocTypeMeta:
        name = doctype if isinstance(doctype, str) else doctype.__name__
        meta = self.registry.get(name)
        if meta.options.is_child:
            raise NotFound(f"{name} is a child DocType; it is read and written through its parent")
        return meta

    def controller(
        self,
        meta: DocTypeMeta,
        doc: DocType,
        ctx: CallerContext,
        stored: Record | None = None,
    ) -> Controller[Any]:
        """The DocType's controller for ``doc``; ``stored`` (the record before this operation)
        becomes ``controller.previous`` when a hook asks for it."""
        controller = self.registry.controller(meta.name)(doc, ctx, self)
        if stored is not None:
            controller._previous = lambda: from_record(meta, stored)
        return controller

    @staticmethod
    async def _run(result: Awaitable[Any] | Any) -> Any:
        return await result if inspect.isawaitable(result) else result

    async def _hooks(self, controller: Controller[Any], *names: str) -> None:
        for name in names:
            await self._run(getattr(controller, name)())

    async def _after_hooks(
        self, meta: DocTypeMeta, controller: Controller[Any], *names: str
    ) -> None:
        """Hooks that run once the document is written: a change they make to it would be lost
        silently, so it aborts the operation instead, naming the hook."""
        for name in names:
            if getattr(type(controller), name) is getattr(Controller, name):
                continue
            saved = to_record(meta, controller.doc)
            await self._run(getattr(controller, name)())
            now = to_record(meta, controller.doc)
            if now != saved:
                changed = sorted(k for k in now.keys() | saved.keys() if now.get(k) != saved.get(k))
                raise ConfigurationError(
                    f"{type(controller).__name__}.{name} changed {changed} after the {meta.name} "
                    "was saved; make the change in a before_* hook (or save it with kernel.update)"
                )

    def _event(
        self, ctx: CallerContext, meta: DocTypeMeta, kind: str, doc: DocType, **extra: Any
    ) -> DomainEvent:
        data = (
            doc.model_dump(mode="json")
            if kind != "deleted"
            else {"id": str(doc.id), "name": doc.name}
        )
        return DomainEvent(
            id=self.ids.new_id(),
            type=kind,
            doctype=meta.name,
            document_id=doc.id,
            document_name=doc.name,
            time=self.clock.now(),
            actor=ctx.user,
            data={**data, **extra},
            tenant=ctx.tenant,
        )

    @staticmethod
    def _emit(scope: Scope, event: DomainEvent) -> None:
        """Queue ``event``; the scope writes it to the outbox in the same transaction, before commit."""
        scope.events.append(event)

    async def _shared_actions(
        self, tx: Transaction, ctx: CallerContext, meta: DocTypeMeta, doc_id: UUID | None = None
    ) -> dict[UUID, frozenset[Action]]:
        """Shares granted to the caller on ``meta`` documents (one query unless there are very many)."""
        if self._share_meta is None or ctx.is_system:
            return {}
        conditions: list[Filter] = [
            Condition("share_doctype", "=", meta.name),
            Condition("user", "=", ctx.user),
        ]
        if doc_id is not None:
            conditions.append(Condition("document", "=", doc_id))
        shared: dict[UUID, set[Action]] = {}
        for row in await self._all_rows(tx, self._share_meta, all_of(*conditions)):
            shared.setdefault(row["document"], set()).update(a for a in ACTIONS if row.get(a))
        return {k: frozenset(v) for k, v in shared.items()}

    async def _all_rows(
        self, tx: Transaction, meta: DocTypeMeta, flt: Filter | None
    ) -> list[Record]:
        """Every matching row, fetched a page of ``max_limit`` at a time (never silently cut off)."""
        rows: list[Record] = []
        while True:
            page = await self.repository.list(
                tx, meta, Query(flt, order_by=(), limit=self.max_limit, offset=len(rows))
            )
            rows.extend(page)
            if len(page) < self.max_limit:
                return rows

    async def _authorize(
        self,
        tx: Transaction,
        ctx: CallerContext,
        meta: DocTypeMeta,
        action: Action,
        record: Record,
        key: UUID | str,
    ) -> frozenset[Action]:
        """Check ``action`` on one record; rows the caller may not even read are reported as missing,
        in the very words used for a ``key`` that matches nothing.

        Returns the actions shared with the caller on this record (empty when roles sufficed)."""
        try:
            self.permission.check(ctx, meta, action, record)
            return frozenset()
        except PermissionDenied:
            shared = (await self._shared_actions(tx, ctx, meta, record["id"])).get(
                record["id"], frozenset()
            )
        try:
            self.permission.check(ctx, meta, action, record, shared)
            return shared
        except PermissionDenied:
            if action == "read" or not self._can(ctx, meta, "read", record, shared):
                raise _missing(meta, key) from None
            raise

    def _can(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        action: Action,
        record: Record,
        shared: Collection[Action],
    ) -> bool:
        try:
            self.permission.check(ctx, meta, action, record, shared)
        except PermissionDenied:
            return False
        return True

    async def _row_filter(
        self, tx: Transaction, ctx: CallerContext, meta: DocTypeMeta, action: Action
    ) -> Filter | None:
        """The RLS condition for ``action``: role rules plus explicit shares (one share query at most)."""
        try:
            if self.permission.row_filter(ctx, meta, action) is None:
                return None
        except PermissionDenied:
            pass
        shared = await self._shared_actions(tx, ctx, meta)
        ids = [doc_id for doc_id, actions in shared.items() if action in actions]
        return self.permission.row_filter(ctx, meta, action, ids)

    async def _load(self, tx: Transaction, meta: DocTypeMeta, key: UUID | str) -> Record:
        record: Record | None = None
        as_id = key if isinstance(key, UUID) else _as_uuid(key)
        if as_id is not None:
            record = await self.repository.get(tx, meta, as_id)
        if record is None and isinstance(key, str):
            record = await self.repository.get_by_name(tx, meta, key)
        if record is None:
            raise _missing(meta, key)
        return record

    def _payload(self, meta: DocTypeMeta, data: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
        """Caller input without the Kernel-owned standard fields; ``name`` stays only for prompt naming."""
        if isinstance(data, meta.model):
            raw = to_record(meta, data)
        elif isinstance(data, BaseModel):
            raw = data.model_dump(exclude=set(type(data).model_computed_fields))
        elif isinstance(data, Mapping):
            raw = dict(data)
        else:
            raise ValidationError(
                f"{meta.name} data must be an object, not {type(data).__name__}",
                [FieldError([], "expected an object", "model_type")],
            )
        keep_name = parse_naming(meta.options.naming).kind == "prompt"
        for key in STANDARD_FIELDS:
            if key != "name" or not keep_name:
                raw.pop(key, None)
        for key in meta.computed:
            raw.pop(key, None)
        return raw

    def _number_children(
        self, meta: DocTypeMeta, payload: dict[str, Any], existing: Record | None = None
    ) -> None:
        """Give child rows ids (keeping ids of rows that already belong to this document) and idx."""
        for table in meta.children:
            rows = payload.get(table)
            if not isinstance(rows, list):
                continue
            known = {row["id"] for row in (existing or {}).get(table, [])}
            numbered = []
            for i, row in enumerate(rows, start=1):
                item = (
                    row.model_dump()
                    if isinstance(row, BaseModel)
                    else dict(row)
                    if isinstance(row, Mapping)
                    else row
                )
                if isinstance(item, dict):
                    row_id = _as_uuid(item.get("id"))
                    item["id"] = row_id if row_id in known else self.ids.new_id()
                    item["idx"] = i
                numbered.append(item)
            payload[table] = numbered

    async def _name(
        self,
        meta: DocTypeMeta,
        doc: DocType,
        controller: Controller[Any],
        links: Mapping[UUID, Record],
    ) -> str:
        planned = await self._plan_name(meta, doc, controller, links)
        if isinstance(planned, SeriesName):
            return planned.format(await self.naming_counter.next(planned.key))
        return planned

    async def _name_all(self, meta: DocTypeMeta, staged: Sequence[_Staged]) -> None:
        """Name many new documents, reserving each series' numbers with one counter call."""
        by_key: dict[str, list[tuple[DocType, SeriesName]]] = {}
        for doc, controller, links in staged:
            plan = await self._plan_name(meta, doc, controller, links)
            if isinstance(plan, SeriesName):
                by_key.setdefault(plan.key, []).append((doc, plan))
            else:
                doc.name = plan
        for key, group in by_key.items():
            first = await self.naming_counter.next(key, len(group)) - len(group) + 1
            for offset, (doc, plan) in enumerate(group):
                doc.name = plan.format(first + offset)

    async def _plan_name(
        self,
        meta: DocTypeMeta,
        doc: DocType,
        controller: Controller[Any],
        links: Mapping[UUID, Record],
    ) -> str | SeriesName:
        """The name, or for series rules everything but the number (drawn from the counter later)."""
        custom = await self._run(controller.autoname())
        if custom is not None:
            return str(custom)
        if meta.options.is_single:
            return meta.name
        rule = parse_naming(meta.options.naming)
        if rule.kind == "uuid":
            return str(doc.id)
        if rule.kind == "prompt":
            if not doc.name:
                raise ValidationError(
                    f"{meta.name} needs a name",
                    [FieldError(["name"], "required", "missing")],
                )
            return doc.name
        if rule.kind == "field":
            value = getattr(doc, rule.field or "")
            if value is None or str(value).strip() == "":
                raise ValidationError(
                    f"{meta.name} is named by {rule.field!r}, which is empty",
                    [FieldError([str(rule.field)], "required for naming", "missing")],
                )
            return str(value).strip()

        async def value_of(fieldname: str) -> str:
            value = getattr(doc, fieldname)
            if value is None:
                raise ValidationError(
                    f"{meta.name} is named from {fieldname!r}, which is empty",
                    [FieldError([fieldname], "required for naming", "missing")],
                )
            if fieldname in meta.links:
                return str(links[value].get("name"))
            return str(getattr(value, "value", value))

        return await plan_series(rule, now=self.clock.now(), value_of=value_of)

    @staticmethod
    def _revalidate(meta: DocTypeMeta, doc: DocType) -> Any:
        """Hooks may mutate lists in place, which pydantic does not see; validate the whole doc again."""
        return build(meta, to_record(meta, doc))

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
        meta = self.meta(doctype)
        self.permission.check(ctx, meta, "create")
        async with self.scopes.open() as scope:
            return await self._insert(scope, ctx, meta, self._payload(meta, data))

    async def insert_many(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        items: Sequence[Mapping[str, Any] | BaseModel],
    ) -> list[Any]:
        """Create many documents all-or-nothing: one counter call per naming series, one Repository
        insert and one outbox write for the batch. A failure names the item's ``index`` in its details."""
        meta = self.meta(doctype)
        self.permission.check(ctx, meta, "create")
        async with self.scopes.open() as scope:
            staged: list[_Staged] = []
            for i, item in enumerate(items):
                with _item(i):
                    staged.append(
                        await self._stage_new(scope, ctx, meta, self._payload(meta, item))
                    )
            await self._name_all(meta, staged)
            prepared: list[tuple[Any, Controller[Any]]] = []
            for i, (_, controller, _) in enumerate(staged):
                with _item(i):
                    prepared.append(await self._validate_new(meta, controller))
            await self.repository.insert(
                scope.tx, meta, [to_record(meta, doc) for doc, _ in prepared]
            )
            for i, (doc, controller) in enumerate(prepared):
                with _item(i):
                    await self._finish_new(scope, ctx, meta, doc, controller)
        return [doc for doc, _ in prepared]

    async def _insert(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        payload: dict[str, Any],
        *,
        name: str | None = None,
        amended_from: UUID | None = None,
    ) -> Any:
        doc, controller = await self._prepare_new(
            scope, ctx, meta, payload, name=name, amended_from=amended_from
        )
        await self.repository.insert(scope.tx, meta, [to_record(meta, doc)])
        return await self._finish_new(scope, ctx, meta, doc, controller)

    async def _prepare_new(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        payload: dict[str, Any],
        *,
        name: str | None = None,
        amended_from: UUID | None = None,
    ) -> tuple[Any, Controller[Any]]:
        """Everything before the write: standard fields, permission, links, name, validate, before_*."""
        doc, controller, links = await self._stage_new(
            scope, ctx, meta, payload, amended_from=amended_from
        )
        doc.name = name or await self._name(meta, doc, controller, links)
        return await self._validate_new(meta, controller)

    async def _stage_new(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        payload: dict[str, Any],
        *,
        amended_from: UUID | None = None,
    ) -> _Staged:
        """A new document with its standard fields, checked for permission and links, not yet named."""
        now = self.clock.now()
        self._number_children(meta, payload)
        payload.update(
            id=self.ids.new_id(),
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
        self.permission.check(ctx, meta, "create", to_record(meta, doc))
        links = await resolve_links(scope.tx, self.repository, self.registry, meta, doc)
        return doc, self.controller(meta, doc, ctx), links

    async def _validate_new(
        self, meta: DocTypeMeta, controller: Controller[Any]
    ) -> tuple[Any, Controller[Any]]:
        await self._hooks(controller, "validate", "before_insert", "before_save")
        controller.doc = self._revalidate(meta, controller.doc)
        return controller.doc, controller

    async def _finish_new(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        doc: Any,
        controller: Controller[Any],
    ) -> Any:
        await self._after_hooks(meta, controller, "after_insert", "after_save")
        self._emit(scope, self._event(ctx, meta, "created", doc))
        return doc

    # ---------------------------------------------------------------- reads

    async def get(self, ctx: CallerContext, doctype: str | type[D], key: UUID | str) -> Any:
        """Get by id or name; raises NotFound also for documents the caller may not read."""
        meta = self.meta(doctype)
        async with self.scopes.open(readonly=True) as scope:
            record = await self._load(scope.tx, meta, key)
            await self._authorize(scope.tx, ctx, meta, "read", record, key)
            return from_record(meta, record)

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
        meta = self.meta(doctype)
        query = build_query(
            meta,
            filters=filters,
            order_by=order_by,
            limit=limit,
            offset=offset,
            fields=fields,
            max_limit=self.max_limit,
        )
        return await self.query(ctx, meta, query, with_total=with_total, records=records)

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
        async with self.scopes.open(readonly=True) as scope:
            secured = query.with_filter(await self._row_filter(scope.tx, ctx, meta, "read"))
            probe = Query(
                secured.filters,
                secured.order_by,
                secured.limit + 1,
                secured.offset,
                secured.fields,
                secured.include_deleted,
            )
            rows = await self.repository.list(scope.tx, meta, probe)
            total = (
                await self.repository.count(scope.tx, meta, secured.filters) if with_total else None
            )
        has_more = len(rows) > query.limit
        rows = rows[: query.limit]
        plain = records or query.fields is not None
        items = rows if plain else [from_record(meta, r) for r in rows]
        return Page(
            items=items, limit=query.limit, offset=query.offset, has_more=has_more, total=total
        )

    async def count(
        self, ctx: CallerContext, doctype: str | type[DocType], filters: Any = None
    ) -> int:
        meta = self.meta(doctype)
        wanted = parse_filters(meta, filters)
        async with self.scopes.open(readonly=True) as scope:
            rls = await self._row_filter(scope.tx, ctx, meta, "read")
            return await self.repository.count(scope.tx, meta, all_of(wanted, rls))

    def permitted_actions(
        self, ctx: CallerContext, doctype: str | type[DocType]
    ) -> frozenset[Action]:
        return self.permission.permitted_actions(ctx, self.meta(doctype))

    # ---------------------------------------------------------------- writes

    async def _load_for(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        action: Action,
        version: int | None,
    ) -> tuple[Record, frozenset[Action]]:
        """Load and authorize; returns the record and the actions shared with the caller on it."""
        record = await self._load(scope.tx, meta, key)
        shared = await self._authorize(scope.tx, ctx, meta, action, record, key)
        if version is not None and record["version"] != version:
            raise VersionConflict(
                f"{meta.name} {record.get('name')} was changed by someone else "
                f"(version {record['version']}, you had {version})",
                details={"doctype": meta.name, "current_version": record["version"]},
            )
        return record, shared

    async def _save(
        self,
        scope: Scope,
        ctx: CallerContext,
        meta: DocTypeMeta,
        current: Record,
        doc: DocType,
        controller: Controller[Any],
        before: Sequence[str],
        after: Sequence[str],
        event: str,
    ) -> Any:
        await self._hooks(controller, *before)
        doc = controller.doc = self._revalidate(meta, controller.doc)
        doc.version = current["version"] + 1
        doc.modified = self.clock.now()
        doc.modified_by = ctx.user
        record = to_record(meta, doc)
        await self.repository.update(scope.tx, meta, record, expected_version=current["version"])
        await self._after_hooks(meta, controller, *after)
        changed = [
            f
            for f, spec in meta.fields.items()
            if not spec.standard and current.get(f) != record.get(f)
        ]
        extra: dict[str, Any] = {"changed": changed}
        if meta.options.track_changes and changed:
            before_values = from_record(meta, current).model_dump(mode="json", include=set(changed))
            after_values = doc.model_dump(mode="json", include=set(changed))
            extra["changes"] = {
                f: {"old": before_values[f], "new": after_values[f]} for f in changed
            }
        self._emit(scope, self._event(ctx, meta, event, doc, **extra))
        return doc

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
        meta = self.meta(doctype)
        retry = version is None and not self.scopes.active
        for _ in range(UNVERSIONED_UPDATE_ATTEMPTS - 1 if retry else 0):
            try:
                return await self._update(ctx, meta, key, changes, version, replace)
            except VersionConflict:
                continue
        return await self._update(ctx, meta, key, changes, version, replace)

    async def _update(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        changes: Mapping[str, Any] | BaseModel,
        version: int | None,
        replace: bool,
    ) -> Any:
        async with self.scopes.open() as scope:
            current, shared = await self._load_for(scope, ctx, meta, key, "write", version)
            if current["docstatus"] != DocStatus.DRAFT:
                raise DocumentSubmitted(
                    f"{meta.name} {current['name']} is submitted or cancelled; "
                    "cancel and amend it instead"
                )
            incoming = self._payload(meta, changes)
            incoming.pop("name", None)
            base = {k: v for k, v in current.items() if k in STANDARD_FIELDS or not replace}
            payload = {**base, **incoming}
            self._number_children(meta, payload, current)
            doc = build(meta, payload)
            self.permission.check(ctx, meta, "write", to_record(meta, doc), shared)
            await resolve_links(scope.tx, self.repository, self.registry, meta, doc)
            controller = self.controller(meta, doc, ctx, current)
            return await self._save(
                scope,
                ctx,
                meta,
                current,
                doc,
                controller,
                ("validate", "before_save"),
                ("after_save",),
                "updated",
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
        meta = self.meta(doctype)
        async with self.scopes.open() as scope:
            current, _ = await self._load_for(scope, ctx, meta, key, "delete", version)
            if current["docstatus"] == DocStatus.SUBMITTED:
                raise DocumentSubmitted(
                    f"{meta.name} {current['name']} is submitted; cancel it first"
                )
            await ensure_not_linked(scope.tx, self.repository, self.registry, meta, current)
            doc = from_record(meta, current)
            controller = self.controller(meta, doc, ctx, current)
            await self._hooks(controller, "before_delete")
            if hard:
                await self.repository.delete(
                    scope.tx, meta, doc.id, expected_version=current["version"]
                )
                await self._drop_shares(scope.tx, meta, doc.id)
            else:
                await self.repository.mark_deleted(
                    scope.tx, meta, doc.id, expected_version=current["version"], at=self.clock.now()
                )
            await self._hooks(controller, "after_delete")
            self._emit(scope, self._event(ctx, meta, "deleted", doc, hard=hard))

    async def _drop_shares(self, tx: Transaction, meta: DocTypeMeta, doc_id: UUID) -> None:
        if self._share_meta is None:
            return
        flt = all_of(Condition("share_doctype", "=", meta.name), Condition("document", "=", doc_id))
        for row in await self._all_rows(tx, self._share_meta, flt):
            await self.repository.delete(tx, self._share_meta, row["id"])

    # ------------------------------------------------------------ lifecycle

    def _submittable(self, meta: DocTypeMeta) -> None:
        if not meta.options.is_submittable:
            raise InvalidTransition(f"{meta.name} is not submittable")

    async def _transition(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        version: int | None,
        transition: _Transition,
    ) -> Any:
        meta = self.meta(doctype)
        self._submittable(meta)
        async with self.scopes.open() as scope:
            current, _ = await self._load_for(scope, ctx, meta, key, transition.action, version)
            if current["docstatus"] != transition.source:
                state = DocStatus(current["docstatus"]).name.lower()
                raise InvalidTransition(
                    f"cannot {transition.action} {meta.name} {current['name']}: it is {state}"
                )
            doc = from_record(meta, current)
            doc.docstatus = transition.target
            controller = self.controller(meta, doc, ctx, current)
            return await self._save(
                scope,
                ctx,
                meta,
                current,
                doc,
                controller,
                transition.before,
                transition.after,
                transition.event,
            )

    async def submit(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        *,
        version: int | None = None,
    ) -> Any:
        """Draft → submitted; afterwards the document is immutable except for cancel."""
        return await self._transition(ctx, doctype, key, version, _SUBMIT)

    async def cancel(
        self,
        ctx: CallerContext,
        doctype: str | type[DocType],
        key: UUID | str,
        *,
        version: int | None = None,
    ) -> Any:
        """Submitted → cancelled; a cancelled document is immutable but can be amended."""
        return await self._transition(ctx, doctype, key, version, _CANCEL)

    async def amend(self, ctx: CallerContext, doctype: str | type[DocType], key: UUID | str) -> Any:
        """A new draft copied from a cancelled document, linked by ``amended_from``, named ``<base>-N``."""
        meta = self.meta(doctype)
        self._submittable(meta)
        async with self.scopes.open() as scope:
            source, _ = await self._load_for(scope, ctx, meta, key, "amend", None)
            if source["docstatus"] != DocStatus.CANCELLED:
                raise InvalidTransition(
                    f"only cancelled documents can be amended; "
                    f"{meta.name} {source['name']} is not cancelled"
                )
            base, number = source["name"], 1
            match = _AMENDED.match(base)
            if source.get("amended_from") is not None and match:
                base, number = match.group(1), int(match.group(2)) + 1
            while await self.repository.get_by_name(
                scope.tx, meta, f"{base}-{number}", include_deleted=True
            ):
                number += 1
            payload = {k: v for k, v in source.items() if k not in STANDARD_FIELDS}
            for table in meta.children:
                payload[table] = [
                    {k: v for k, v in row.items() if k != "id"} for row in payload[table]
                ]
            doc = await self._insert(
                scope, ctx, meta, payload, name=f"{base}-{number}", amended_from=source["id"]
            )
            scope.events[-1] = self._event(
                ctx, meta, "created", doc, amended_from=str(source["id"])
            )
            return doc

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
        meta = self.meta(doctype)
        controller_cls = self.registry.controller(meta.name)
        target = getattr(controller_cls, method, None) if not method.startswith("_") else None
        exposure = exposure_of(target)
        if target is None or exposure is None:
            raise NotFound(f"{meta.name} has no callable method {method!r}")
        self._check_exposure(ctx, exposure.allow_guest, exposure.roles, f"{meta.name}.{method}")
        async with self.scopes.open() as scope:
            record, _ = await self._load_for(scope, ctx, meta, key, exposure.action, None)
            controller = self.controller(meta, from_record(meta, record), ctx)
            return await self._invoke(getattr(controller, method), args, f"{meta.name}.{method}")

    async def call_rpc(
        self, ctx: CallerContext, dotted_path: str, args: Mapping[str, Any] | None = None
    ) -> Any:
        """Call an ``@rpc`` function an app registered; unknown paths are NotFound, never imported."""
        fn = self.registry.rpc_function(dotted_path)
        exposure = exposure_of(fn)
        if fn is None or exposure is None:
            raise NotFound(f"no RPC function {dotted_path!r}")
        self._check_exposure(ctx, exposure.allow_guest, exposure.roles, dotted_path)
        call_args = dict(args or {})
        if "ctx" in inspect.signature(fn).parameters:
            call_args["ctx"] = ctx
        async with self.scopes.open():
            return await self._invoke(fn, call_args, dotted_path)

    @staticmethod
    def _check_exposure(
        ctx: CallerContext, allow_guest: bool, roles: frozenset[str], what: str
    ) -> None:
        if ctx.is_system:
            return
        if ctx.is_guest and not allow_guest:
            raise PermissionDenied(f"sign in to call {what}")
        if roles and not roles & ctx.roles:
            raise PermissionDenied(f"{ctx.user} may not call {what}")

    async def _invoke(self, fn: Any, args: Mapping[str, Any] | None, what: str) -> Any:
        try:
            checked = validate_call(fn)
            return await self._run(checked(**dict(args or {})))
        except PydanticValidationError as exc:
            raise validation_error(exc, what) from None
        except TypeError as exc:
            raise ValidationError(f"bad arguments for {what}: {exc}") from None

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
        meta = self.meta(doctype)
        bad = set(actions) - set(ACTIONS) - {"create"}
        if bad or not actions:
            raise ValidationError(f"cannot share actions {sorted(bad) or '[]'}")
        user = user.strip() if isinstance(user, str) else user
        if not isinstance(user, str) or not user or user in (ctx.user, GUEST_USER):
            raise ValidationError(
                "share with another signed-in user (not yourself, not Guest)",
                [FieldError(["user"], "not a user one can share with")],
            )
        async with self.scopes.open() as scope:
            record, _ = await self._load_for(scope, ctx, meta, key, "write", None)
            held = (await self._shared_actions(scope.tx, ctx, meta, record["id"])).get(
                record["id"], frozenset()
            )
            beyond = sorted(a for a in actions if not self._can(ctx, meta, a, record, held))
            if beyond:
                raise PermissionDenied(
                    f"you cannot share {beyond}: you do not hold them on this {meta.name}",
                    details={"doctype": meta.name, "actions": beyond},
                )
            flags = {
                a: a in actions for a in ("read", "write", "delete", "submit", "cancel", "amend")
            }
            share: DocShare = await self.create(
                SystemContext("share"),
                DocShare,
                {"share_doctype": meta.name, "document": record["id"], "user": user, **flags},
            )
            return share

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
        meta = self.meta(doctype)
        async with self.scopes.open(readonly=True) as scope:
            record, _ = await self._load_for(scope, ctx, meta, key, "write", None)
            page: Page[DocShare] = await self.list(
                SystemContext("shares"),
                DocShare,
                filters=[["share_doctype", "=", meta.name], ["document", "=", record["id"]]],
                order_by=["creation", "id"],
                limit=limit,
                offset=offset,
            )
            return page

    async def unshare(self, ctx: CallerContext, share_id: UUID) -> None:
        """Remove a share; the caller needs write access to the shared document."""
        async with self.scopes.open() as scope:
            share = await self.get(SystemContext("unshare"), DocShare, share_id)
            meta = self.meta(share.share_doctype)
            await self._load_for(scope, ctx, meta, share.document, "write", None)
            await self.delete(SystemContext("unshare"), DocShare, share_id, hard=True)


def _missing(meta: DocTypeMeta, key: UUID | str) -> NotFound:
    """The one answer for "no such document" and "not yours to see": they must be indistinguishable."""
    return NotFound(f"{meta.name} {key} not found", details={"doctype": meta.name, "key": str(key)})


def _as_uuid(value: Any) -> UUID | None:
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            return None
    return None
