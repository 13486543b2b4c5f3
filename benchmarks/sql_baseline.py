"""The hand-written side of ``sql_throughput.py``: the benchmark's data, seeded by asyncpg COPY as the
Kernel would have stored it, and the Kernel's database work for its DocType as asyncpg SQL on a pool,
kept like-for-like (see that script's docstring and ``LEFT_OUT``)."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from framework_m_core.ids import uuid7

SERIES = "BO-#######"
STATUSES = ("Draft", "Open", "Paid", "Closed")
OWNERS = 100  # documents are spread over this many owners; RLS_USER owns about docs/OWNERS
LINES = 3
PARENT = "bench_order"
CHILD = "bench_order__bench_line"
PARENT_COLUMNS = (
    "id, name, owner, creation, modified, modified_by, version, docstatus, amended_from, "
    "title, customer, status, amount"
)
CHILD_COLUMNS = "id, parent, parentfield, idx, item, qty, rate"
GET_PARENT = f"SELECT {PARENT_COLUMNS} FROM {PARENT} WHERE id = $1 AND deleted_at IS NULL"
GET_LINES = (
    f"SELECT id, idx, item, qty, rate FROM {CHILD} WHERE parent = $1 ORDER BY parentfield, idx"
)
PAGE = (
    f"SELECT {PARENT_COLUMNS} FROM {PARENT} WHERE status = $1 AND deleted_at IS NULL "
    "ORDER BY modified DESC, id LIMIT $2"
)
OWN_PAGE = (
    f"SELECT {PARENT_COLUMNS} FROM {PARENT} WHERE owner = $1 AND status = $2 "
    "AND deleted_at IS NULL ORDER BY modified DESC, id LIMIT $3"
)
PAGE_LINES = (
    f"SELECT parent, id, idx, item, qty, rate FROM {CHILD} WHERE parent = ANY($1::uuid[]) "
    "ORDER BY parent, parentfield, idx"
)
COUNT = f"SELECT count(*) FROM {PARENT} WHERE status = $1 AND deleted_at IS NULL"
NEXT_NUMBERS = (
    'INSERT INTO fm_naming_series (key, "current") VALUES ($1, $2) ON CONFLICT (key) '
    'DO UPDATE SET "current" = fm_naming_series."current" + $2 RETURNING "current"'
)
INSERT_PARENT = (
    f"INSERT INTO {PARENT} ({PARENT_COLUMNS}) VALUES ({', '.join(f'${i}' for i in range(1, 14))})"
)
INSERT_LINE = f"INSERT INTO {CHILD} ({CHILD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
INSERT_EVENT = (
    "INSERT INTO fm_outbox (id, type, doctype, document_id, document_name, time, actor, tenant, "
    "source, data, published_at) VALUES ($1, $2, 'BenchOrder', $3, $4, $5, $6, NULL, 'framework-m', "
    "$7, NULL)"
)
MARK_PUBLISHED = (
    "UPDATE fm_outbox SET published_at = $1 WHERE id = ANY($2::uuid[]) AND published_at IS NULL"
)
UPDATE_PARENT = (
    f"UPDATE {PARENT} SET title = $3, modified = $4, modified_by = $5, version = version + 1 "
    f"WHERE id = $1 AND version = $2 AND deleted_at IS NULL RETURNING {PARENT_COLUMNS}"
)
DELETE_LINES = f"DELETE FROM {CHILD} WHERE parent = $1"


def as_json(value: dict[str, Any]) -> str:
    return json.dumps(value, default=str)


class Baseline:
    """The operations written by hand on an asyncpg pool, doing the Kernel's database work."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    async def get(self, doc_id: UUID) -> dict[str, Any]:
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(GET_PARENT, doc_id)
            lines = await conn.fetch(GET_LINES, doc_id)
        return {**row, "lines": [dict(line) for line in lines]}

    async def _page(self, conn: Any, rows: Sequence[Any]) -> list[dict[str, Any]]:
        docs = {row["id"]: {**row, "lines": []} for row in rows}
        for line in await conn.fetch(PAGE_LINES, list(docs)):
            item = dict(line)
            docs[item.pop("parent")]["lines"].append(item)
        return list(docs.values())

    async def listing(self, status: str, *, total: bool) -> tuple[list[dict[str, Any]], int | None]:
        async with self.pool.acquire() as conn:
            page = await self._page(conn, await conn.fetch(PAGE, status, 21))
            count = await conn.fetchval(COUNT, status) if total else None
        return page[:20], count

    async def list_own(self, user: str, status: str) -> list[dict[str, Any]]:
        async with self.pool.acquire() as conn:
            page = await self._page(conn, await conn.fetch(OWN_PAGE, user, status, 21))
        return page[:20]

    async def _numbers(self, count: int) -> range:
        last: int = await self.pool.fetchval(NEXT_NUMBERS, SERIES, count)
        return range(last - count + 1, last + 1)

    async def _published(self, event_ids: list[UUID]) -> None:
        await self.pool.execute(MARK_PUBLISHED, datetime.now(UTC), event_ids)

    async def insert(self, payloads: Sequence[dict[str, Any]], user: str) -> None:
        """Create documents: numbers, then parents, lines and events in one transaction."""
        numbers = await self._numbers(len(payloads))
        now = datetime.now(UTC)
        parents, lines, events = [], [], []
        for number, payload in zip(numbers, payloads, strict=True):
            doc_id, name = uuid7(), f"BO-{number:07d}"
            doc_lines = [
                (uuid7(), doc_id, "lines", idx, line["item"], line["qty"], line["rate"])
                for idx, line in enumerate(payload["lines"], start=1)
            ]
            parent = (
                *(doc_id, name, user, now, now, user, 1, 0, None),
                *(payload["title"], payload["customer"], payload["status"], payload["amount"]),
            )
            data = dict(zip(PARENT_COLUMNS.split(", "), parent, strict=True))
            data["lines"] = [
                dict(zip(("id", "idx", "item", "qty", "rate"), (c[0], *c[3:]), strict=True))
                for c in doc_lines
            ]
            parents.append(parent)
            lines.extend(doc_lines)
            events.append((uuid7(), "created", doc_id, name, now, user, as_json(data)))
        async with self.pool.acquire() as conn, conn.transaction():
            if len(parents) == 1:
                await conn.execute(INSERT_PARENT, *parents[0])
            else:
                await conn.executemany(INSERT_PARENT, parents)
            await conn.executemany(INSERT_LINE, lines)
            if len(events) == 1:
                await conn.execute(INSERT_EVENT, *events[0])
            else:
                await conn.executemany(INSERT_EVENT, events)
        await self._published([e[0] for e in events])

    async def update(
        self, doc_id: UUID, expected: int, title: str, new_lines: list[dict[str, Any]], user: str
    ) -> None:
        """Change the title and replace the lines, checking the version in the UPDATE itself."""
        now = datetime.now(UTC)
        event_id = uuid7()
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(UPDATE_PARENT, doc_id, expected, title, now, user)
            if row is None:
                raise RuntimeError(f"{doc_id} is missing or not at version {expected}")
            await conn.execute(DELETE_LINES, doc_id)
            rows = [
                (uuid7(), doc_id, "lines", idx, line["item"], line["qty"], line["rate"])
                for idx, line in enumerate(new_lines, start=1)
            ]
            await conn.executemany(INSERT_LINE, rows)
            data = {
                **row,
                "lines": [{"id": r[0], "idx": r[3], **new_lines[r[3] - 1]} for r in rows],
            }
            data["changed"] = ["title", "lines"]
            event = (event_id, "updated", doc_id, row["name"], now, user, as_json(data))
            await conn.execute(INSERT_EVENT, *event)
        await self._published([event_id])


# ------------------------------------------------------------------ data


def lines_for(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {
            "item": f"ITEM-{rng.randrange(1000):04d}",
            "qty": rng.randrange(1, 10),
            "rate": Decimal(rng.randrange(100, 10_000)) / 100,
        }
        for _ in range(LINES)
    ]


def order_payload(i: int, rng: random.Random) -> dict[str, Any]:
    lines = lines_for(rng)
    return {
        "title": f"Order {i}",
        "customer": f"C-{rng.randrange(500):04d}",
        "status": rng.choice(STATUSES),
        "amount": sum((line["qty"] * line["rate"] for line in lines), Decimal(0)),
        "lines": lines,
    }


async def seed(conn: Any, docs: int, rng: random.Random) -> list[UUID]:
    """COPY ``docs`` documents (as the Kernel would have stored them) and set the naming counter."""
    start = datetime.now(UTC) - timedelta(seconds=docs + 60)
    ids: list[UUID] = []
    chunk = 10_000
    for first in range(0, docs, chunk):
        parents: list[tuple[Any, ...]] = []
        children: list[tuple[Any, ...]] = []
        for i in range(first, min(first + chunk, docs)):
            at = start + timedelta(seconds=i)
            doc_id = uuid7(int(at.timestamp() * 1000))
            owner = f"user{rng.randrange(OWNERS)}@example.com"
            payload = order_payload(i, rng)
            ids.append(doc_id)
            parents.append(
                (
                    *(doc_id, f"BO-{i + 1:07d}", owner, at, at, owner, 1, 0, None),
                    *(payload["title"], payload["customer"], payload["status"], payload["amount"]),
                )
            )
            children.extend(
                (uuid7(), doc_id, "lines", idx, line["item"], line["qty"], line["rate"])
                for idx, line in enumerate(payload["lines"], start=1)
            )
        await conn.copy_records_to_table(
            PARENT, records=parents, columns=PARENT_COLUMNS.split(", ")
        )
        await conn.copy_records_to_table(CHILD, records=children, columns=CHILD_COLUMNS.split(", "))
    await conn.execute(NEXT_NUMBERS, SERIES, docs)
    # Settle the load before timing: statistics and visibility map, and no dirty pages left to flush.
    await conn.execute("VACUUM ANALYZE")
    await conn.execute("CHECKPOINT")
    return ids
