"""Helpers shared by the kit's test modules (not tests themselves, so never star-exported)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any
from uuid import UUID

import anyio

from ..._kernel.records import to_record
from ...doctype import DocStatus
from ...events import DomainEvent
from ...meta import DocTypeMeta
from ...ports import Repository
from ...query import Filter, OrderBy, Query
from ...types import Record, Transaction
from ..adapters import AdapterProvider
from ..doctypes import KitAddress, KitRecord, KitStatus
from ..plugin import KitEnv, open_kit

UTC = dt.UTC
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))
MINUS_FIVE = dt.timezone(dt.timedelta(hours=-5))

REF_A = UUID("00000000-0000-4000-8000-00000000000a")
REF_B = UUID("00000000-0000-4000-8000-00000000000b")
REF_C = UUID("00000000-0000-4000-8000-00000000000c")

SEED_TITLES = ("alpha", "Beta", "gamma_1", "100%", "naïve 漢字 🚀")
"""Titles of ``SEED_ROWS`` in insertion order (so ties broken by id follow this order)."""

SEED_ROWS: tuple[dict[str, Any], ...] = (
    {
        "title": "alpha",
        "count": 1,
        "ratio": 0.5,
        "flag": True,
        "amount": Decimal("1.10"),
        "day": dt.date(2024, 1, 1),
        "at": dt.datetime(2024, 1, 1, 10, 0, tzinfo=UTC),
        "clock": dt.time(8, 0),
        "ref": REF_A,
        "status": KitStatus.OPEN,
        "kind": "a",
        "address": KitAddress(city="Zürich"),
        "body": "x-ray",
    },
    {
        "title": "Beta",
        "count": 2,
        "ratio": 1.5,
        "flag": False,
        "amount": Decimal("2.2"),
        "day": dt.date(2024, 2, 1),
        # 08:00 UTC, written with a +02:00 offset: comparisons are between instants.
        "at": dt.datetime(2024, 2, 1, 10, 0, tzinfo=PLUS_TWO),
        "clock": dt.time(12, 0),
        "ref": REF_B,
        "status": KitStatus.CLOSED,
        "kind": "b",
        "body": "X-RAY",
    },
    {
        "title": "gamma_1",
        "count": 3,
        "ratio": 2.5,
        "flag": True,
        "amount": Decimal("3.300000"),
        "day": dt.date(2024, 3, 1),
        "at": dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
        "clock": dt.time(18, 0),
        "ref": REF_C,
        "status": KitStatus.OPEN,
        "kind": "c",
        "address": KitAddress(city="東京", zip="100-0001"),
        "body": "",
    },
    {"title": "100%"},
    {
        "title": "naïve 漢字 🚀",
        "count": -4,
        "ratio": -0.25,
        "flag": False,
        "amount": Decimal("-0.000001"),
        "day": dt.date(1999, 12, 31),
        # 2000-01-01T04:59:59Z.
        "at": dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=MINUS_FIVE),
        "clock": dt.time(0, 0, 0, 1),
        "status": KitStatus.CLOSED,
        "body": "🚀",
    },
)
"""Five KitRecords covering every field kind; ``100%`` has every nullable field NULL."""


async def seed_records(kit: KitEnv) -> dict[str, KitRecord]:
    """Create ``SEED_ROWS`` through the Kernel (in order); returns them by title."""
    created: dict[str, KitRecord] = {}
    for row in SEED_ROWS:
        doc = await kit.kernel.create(kit.admin, KitRecord, row)
        created[doc.title] = doc
    return created


async def titles(
    kit: KitEnv,
    *,
    filters: Any = None,
    order_by: str | Sequence[str] | None = None,
    limit: int = 100,
) -> list[str]:
    """Titles of the KitRecords ``kernel.list`` returns, in the returned order."""
    page = await kit.kernel.list(
        kit.admin, KitRecord, filters=filters, order_by=order_by, limit=limit
    )
    return [doc.title for doc in page.items]


def meta_of(kit: KitEnv, doctype: str) -> DocTypeMeta:
    return kit.registry.get(doctype)


def new_record(kit: KitEnv, doctype: str, **values: Any) -> Record:
    """A valid, fully populated record of ``doctype`` as the Kernel would store it (version 1, draft).

    Child rows (lists of dicts under table fields) get fresh ids and idx 1..n unless they carry them.
    """
    meta = kit.registry.get(doctype)
    payload = dict(values)
    for table in meta.children:
        rows = []
        for i, row in enumerate(payload.get(table, []), start=1):
            item = dict(row)
            item.setdefault("id", kit.kernel.ids.new_id())
            item.setdefault("idx", i)
            rows.append(item)
        payload[table] = rows
    now = kit.clock.now()
    payload.setdefault("id", kit.kernel.ids.new_id())
    payload.setdefault("name", str(payload["id"]))
    for key, value in (
        ("owner", "kit@example.com"),
        ("creation", now),
        ("modified", now),
        ("modified_by", "kit@example.com"),
        ("version", 1),
        ("docstatus", DocStatus.DRAFT),
    ):
        payload.setdefault(key, value)
    return to_record(meta, meta.model.model_validate(payload))


def query(
    filters: Filter | None = None,
    *,
    order_by: Sequence[tuple[str, bool]] = (),
    limit: int = 1000,
    offset: int = 0,
    fields: tuple[str, ...] | None = None,
    include_deleted: bool = False,
) -> Query:
    """A repository-level Query (``order_by`` as (field, descending) pairs; id breaks ties)."""
    return Query(
        filters=filters,
        order_by=tuple(OrderBy(f, d) for f, d in order_by),
        limit=limit,
        offset=offset,
        fields=fields,
        include_deleted=include_deleted,
    )


def make_event(
    kit: KitEnv, document_id: UUID, *, doctype: str = "KitRecord", kind: str = "created"
) -> DomainEvent:
    return DomainEvent(
        id=kit.kernel.ids.new_id(),
        type=kind,
        doctype=doctype,
        document_id=document_id,
        document_name=str(document_id),
        time=kit.clock.now(),
        actor="kit",
        data={"id": str(document_id), "note": "ünïcødé ✓", "n": 1},
    )


async def pending_ids(kit: KitEnv) -> list[UUID]:
    return [event.id for event in await kit.adapters.outbox.pending(1000)]


async def eventually(check: Callable[[], bool], *, what: str, within: float = 3.0) -> None:
    """Wait until ``check()`` holds (brokers may deliver asynchronously); fail after ``within`` seconds."""
    with anyio.move_on_after(within):
        while not check():  # noqa: ASYNC110 - polling a plain predicate is the point
            await anyio.sleep(0.005)
        return
    raise AssertionError(f"timed out after {within}s waiting for {what}")


async def settle(rounds: int = 5) -> None:
    """Give asynchronous deliveries a moment (used before asserting that something did not happen)."""
    for _ in range(rounds):
        await anyio.sleep(0.01)


@asynccontextmanager
async def kit_session(provider: AdapterProvider) -> AsyncIterator[KitEnv]:
    """``plugin.open_kit`` as a context manager (closing the provider's set on every exit)."""
    sessions = open_kit(provider)
    env = await sessions.__anext__()
    try:
        yield env
    finally:
        await sessions.aclose()  # type: ignore[attr-defined]


class RecordingRepository:
    """Delegates to the adapter's Repository and remembers what the Kernel inserted, so a test can look
    for leftovers of a rolled-back write by the exact ids it used."""

    def __init__(self, inner: Repository) -> None:
        self.inner = inner
        self.inserted: list[Record] = []

    async def insert(self, tx: Transaction, meta: DocTypeMeta, records: Sequence[Record]) -> None:
        self.inserted.extend(copy.deepcopy(list(records)))
        await self.inner.insert(tx, meta, records)

    async def get(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, include_deleted: bool = False
    ) -> Record | None:
        return await self.inner.get(tx, meta, id, include_deleted=include_deleted)

    async def get_by_name(
        self, tx: Transaction, meta: DocTypeMeta, name: str, *, include_deleted: bool = False
    ) -> Record | None:
        return await self.inner.get_by_name(tx, meta, name, include_deleted=include_deleted)

    async def list(self, tx: Transaction, meta: DocTypeMeta, query: Query) -> list[Record]:
        return await self.inner.list(tx, meta, query)

    async def count(
        self,
        tx: Transaction,
        meta: DocTypeMeta,
        filters: Filter | None,
        *,
        include_deleted: bool = False,
    ) -> int:
        return await self.inner.count(tx, meta, filters, include_deleted=include_deleted)

    async def update(
        self, tx: Transaction, meta: DocTypeMeta, record: Record, *, expected_version: int
    ) -> None:
        await self.inner.update(tx, meta, record, expected_version=expected_version)

    async def mark_deleted(
        self,
        tx: Transaction,
        meta: DocTypeMeta,
        id: UUID,
        *,
        expected_version: int,
        at: dt.datetime,
    ) -> None:
        await self.inner.mark_deleted(tx, meta, id, expected_version=expected_version, at=at)

    async def delete(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int | None = None
    ) -> None:
        await self.inner.delete(tx, meta, id, expected_version=expected_version)


def record_inserts(kit: KitEnv) -> RecordingRepository:
    """Route the Kernel's repository calls through a RecordingRepository (for this kit only)."""
    spy = RecordingRepository(kit.kernel.repository)
    kit.kernel.repository = spy
    return spy
