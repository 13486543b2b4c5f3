"""Kernel throughput on PostgreSQL next to the same operations written by hand with asyncpg.

Run: ``uv run python benchmarks/sql_throughput.py [--docs 100000] [--ops 2000] [--url URL]``.

It creates a uniquely named database (dropped at the end, also on error, Ctrl-C or SIGTERM), seeds
``--docs`` documents with three child rows each by asyncpg COPY (the fastest honest way to get a big
table; the Kernel's own bulk path, ``insert_many``, is timed separately), then times get, list (limit 20,
one filter, with and without total, and as a non-admin user under a ``rows="own"`` rule), create, update
and bulk insert through the Kernel and through hand-written asyncpg SQL doing the same database work, in
the same run. The ratio kernel/asyncpg is what to compare across machines. One client, one operation at a
time: this measures the per-operation cost (Python work plus round trips), not how the server scales.

The baseline is kept like-for-like: a create draws its name from ``fm_naming_series``, writes the parent,
its lines and an ``fm_outbox`` event in one transaction, then marks the event published, as the Kernel
does; an update bumps the version in the UPDATE itself and replaces the lines. What the baseline leaves
out is listed in the output: it is the Kernel's own cost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import secrets
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from importlib.metadata import version
from typing import Any, Literal
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sql_baseline import (
    CHILD,
    CHILD_COLUMNS,
    LINES,
    PARENT,
    PARENT_COLUMNS,
    STATUSES,
    Baseline,
    lines_for,
    order_payload,
    seed,
)

from framework_m import App, CallerContext, ChildDocType, DocType, Kernel
from framework_m_core.composition import Settings, start_runtime
from framework_m_standard.sql import SqlRepository, SqlSchemaManager
from framework_m_standard.sql._schema.ddl import sa_tables

ADMIN_URL = os.environ.get(
    "FRAMEWORK_M_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
RLS_USER = "user7@example.com"
ADMIN_USER = "admin@example.com"
ROUNDS = 4  # kernel and baseline alternate in this many blocks, so drift hits both alike


class BenchLine(ChildDocType):
    item: str
    qty: int = 1
    rate: Decimal = Decimal(0)


class BenchOrder(DocType):
    title: str
    customer: str
    status: Literal["Draft", "Open", "Paid", "Closed"] = "Draft"
    amount: Decimal = Decimal(0)
    lines: list[BenchLine] = []

    class Meta:
        naming = "BO-.#######"
        permissions = [{"role": "Member", "actions": ["read"], "rows": "own"}]


LEFT_OUT = """\
Where the two sides differ (the Kernel's side of each is in its figures):
  - every Kernel operation: pydantic validation of input and output documents, permission checks
    (in-process), the values converted to and from the driver by the SQL adapters, and a
    transaction (BEGIN/COMMIT) around writes;
  - list as a non-admin: the Kernel first reads the documents shared with the caller (DocShare);
  - update: the Kernel loads the document and its lines first (it merges changes and validates);
  - naming: a create draws its number in a short transaction of its own on the counter pool;
    insert_many reserves one block per series, as the baseline does."""


async def add_missing_indexes(kernel: Kernel) -> str:
    """Create the declared indexes that schema sync left out, so both sides run on the declared schema.

    Sync creates a new table from Alembic's ``add_table`` diff, whose table carries no indexes, and then
    skips that table's ``add_index`` diffs; without the child table's ``parent`` index every get is a
    sequential scan. Once sync creates them this finds nothing to do."""
    repository = kernel.repository
    assert isinstance(repository, SqlRepository)
    db = repository.db
    tables = SqlSchemaManager(db).tables_by_bind(tuple(kernel.registry.metas()))["default"]
    declared = [ix for table in sa_tables(tables) for ix in table.indexes]
    async with db.engine().begin() as conn:
        found = await conn.execute(
            sa.text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        )
        existing = {name for (name,) in found}
        missing = [ix for ix in declared if ix.name not in existing]
        for index in missing:
            await conn.run_sync(index.create)
    if not missing:
        return f"all {len(declared)} declared indexes were created by schema sync"
    return (
        f"schema sync left out {len(missing)} of {len(declared)} declared indexes; "
        f"created them: {', '.join(str(ix.name) for ix in missing)}"
    )


def check_schema(kernel: Kernel) -> None:
    """The hand-written SQL names every column the Kernel's tables have; fail loudly if they drifted."""
    repository = kernel.repository
    assert isinstance(repository, SqlRepository), "the SQL adapters are not installed"
    tables = repository.db.schema.tables(kernel.meta(BenchOrder))
    (child,) = tables.child_tables.values()
    found = (tables.table.name, {c.name for c in tables.table.columns}, child.name)
    expected = (PARENT, {*PARENT_COLUMNS.split(", "), "deleted_at"}, CHILD)
    assert found == expected, f"schema drifted: {found} != {expected}"
    assert {c.name for c in child.columns} == set(CHILD_COLUMNS.split(", "))


# ------------------------------------------------------------------ the baseline


# ------------------------------------------------------------------ timing

Op = Callable[[int], Awaitable[object]]


@dataclass
class Result:
    label: str
    kernel: float
    baseline: float


def warmup(n: int) -> int:
    """Untimed calls before timing ``n``: fills statement caches and the connection pools."""
    return max(1, min(50, n // 10))


async def compare(label: str, kernel_op: Op, baseline_op: Op, n: int, per_op: int = 1) -> Result:
    """Warm both up, then time ``n`` calls of each, alternating in ROUNDS blocks.

    Call ``i`` of each side gets index ``i`` (warm-up calls come first), so inputs can be paired."""
    warm = warmup(n)
    for i in range(warm):
        await kernel_op(i)
        await baseline_op(i)
    spent = {"kernel": 0.0, "baseline": 0.0}
    block = -(-n // ROUNDS)
    for first in range(warm, warm + n, block):
        last = min(first + block, warm + n)
        for side, op in (("kernel", kernel_op), ("baseline", baseline_op)):
            started = time.perf_counter()
            for i in range(first, last):
                await op(i)
            spent[side] += time.perf_counter() - started
    result = Result(label, n * per_op / spent["kernel"], n * per_op / spent["baseline"])
    print(
        f"  {label:<34} {result.kernel:>12,.0f} {result.baseline:>14,.0f} "
        f"{result.kernel / result.baseline:>14.2f}x",
        flush=True,
    )
    return result


# ------------------------------------------------------------------ the run


@asynccontextmanager
async def scratch_database(admin_url: str) -> AsyncIterator[str]:
    """A uniquely named database for this run, dropped afterwards whatever happens."""
    name = f"fm_bench_{os.getpid()}_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    finally:
        await admin.close()
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
        print(f"dropped database {name}")


async def environment(conn: Any) -> list[str]:
    server = await conn.fetchval("SHOW server_version")
    buffers = await conn.fetchval("SHOW shared_buffers")
    return [
        f"PostgreSQL {server} (shared_buffers {buffers}), "
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.2f} at start",
        f"SQLAlchemy {version('sqlalchemy')}, asyncpg {version('asyncpg')}, "
        f"pydantic {version('pydantic')}",
    ]


async def run(args: argparse.Namespace) -> None:
    task = asyncio.current_task()
    assert task is not None
    # Ctrl-C cancels this task (asyncio.run does that); make SIGTERM do the same, so the database goes.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    admin_url = args.url.replace("postgresql+asyncpg://", "postgresql://")
    async with scratch_database(admin_url) as url:
        settings = Settings.model_validate({"database": {"url": url}})
        async with (
            await start_runtime(settings, apps=[App(name="bench", doctypes=[BenchOrder])]) as rt,
            asyncpg.create_pool(url, min_size=1, max_size=4) as pool,
        ):
            kernel = rt.kernel
            check_schema(kernel)
            async with pool.acquire() as conn:
                for line in await environment(conn):
                    print(line)
                print(await add_missing_indexes(kernel))
                started = time.perf_counter()
                ids = await seed(conn, args.docs, random.Random(42))
                took = time.perf_counter() - started
            print(
                f"seeded {args.docs:,} documents with {LINES} lines each by asyncpg COPY "
                f"(+ VACUUM ANALYZE, CHECKPOINT) in {took:.1f} s ({args.docs / took:,.0f} docs/s)"
            )
            await measure(kernel, Baseline(pool), ids, args)


async def measure(
    kernel: Kernel, baseline: Baseline, ids: list[UUID], args: argparse.Namespace
) -> None:
    admin = CallerContext.for_user(ADMIN_USER, "Administrator")
    member = CallerContext.for_user(RLS_USER, "Member")
    n = args.ops
    warm = warmup(n)
    rng = random.Random(7)
    picked = rng.sample(ids, 2 * (n + warm))  # distinct documents to update, per side
    reads = [rng.choice(ids) for _ in range(n + warm)]
    mine, theirs = picked[: n + warm], picked[n + warm :]

    def status(i: int) -> str:
        return STATUSES[i % len(STATUSES)]

    async def k_get(i: int) -> object:
        return await kernel.get(admin, BenchOrder, reads[i])

    async def b_get(i: int) -> object:
        return await baseline.get(reads[i])

    async def k_list(i: int) -> object:
        return await kernel.list(admin, BenchOrder, filters=[["status", "=", status(i)]], limit=20)

    async def b_list(i: int) -> object:
        return await baseline.listing(status(i), total=False)

    async def k_list_total(i: int) -> object:
        return await kernel.list(
            admin, BenchOrder, filters=[["status", "=", status(i)]], limit=20, with_total=True
        )

    async def b_list_total(i: int) -> object:
        return await baseline.listing(status(i), total=True)

    async def k_list_own(i: int) -> object:
        return await kernel.list(member, BenchOrder, filters=[["status", "=", status(i)]], limit=20)

    async def b_list_own(i: int) -> object:
        return await baseline.list_own(RLS_USER, status(i))

    # Inputs are made before timing, so neither side pays for them; each side has its own.
    gen = random.Random(3)
    count = n + warm
    creates = {side: [order_payload(i, gen) for i in range(count)] for side in ("k", "b")}
    new_lines = {side: [lines_for(gen) for _ in range(count)] for side in ("k", "b")}
    batch, calls = args.batch, args.bulk_batches + warmup(args.bulk_batches)
    bulks = {
        side: [[order_payload(j, gen) for j in range(batch)] for _ in range(calls)]
        for side in ("k", "b")
    }

    async def k_create(i: int) -> object:
        return await kernel.create(admin, BenchOrder, creates["k"][i])

    async def b_create(i: int) -> object:
        await baseline.insert([creates["b"][i]], ADMIN_USER)
        return None

    async def k_update(i: int) -> object:
        changes = {"title": f"Updated {i}", "lines": new_lines["k"][i]}
        return await kernel.update(admin, BenchOrder, mine[i], changes, version=1)

    async def b_update(i: int) -> object:
        await baseline.update(theirs[i], 1, f"Updated {i}", new_lines["b"][i], ADMIN_USER)
        return None

    async def k_bulk(i: int) -> object:
        return await kernel.insert_many(admin, BenchOrder, bulks["k"][i])

    async def b_bulk(i: int) -> object:
        await baseline.insert(bulks["b"][i], ADMIN_USER)
        return None

    print(
        f"\n{n:,} operations per row after a warm-up, one at a time "
        f"(list rows: {args.list_ops:,}; bulk: {args.bulk_batches} batches of {batch:,})"
    )
    print(f"  {'operation':<34} {'kernel ops/s':>12} {'asyncpg ops/s':>14} {'kernel/asyncpg':>15}")
    ln = args.list_ops
    results = [
        await compare("get (parent + 3 lines)", k_get, b_get, n),
        await compare("list 20, 1 filter", k_list, b_list, ln),
        await compare("list 20, 1 filter, with total", k_list_total, b_list_total, ln),
        await compare('list 20, 1 filter, RLS rows="own"', k_list_own, b_list_own, ln),
        await compare("create (+ 3 lines)", k_create, b_create, n),
        await compare("update (+ replace 3 lines)", k_update, b_update, n),
        await compare(
            f"bulk insert (docs/s, {batch:,} per call)", k_bulk, b_bulk, args.bulk_batches, batch
        ),
    ]
    as_admin, own = results[1], results[3]
    print(
        f'\nRLS: the Kernel lists as a Member with rows="own" at {own.kernel / as_admin.kernel:.2f}x '
        f"its rate as Administrator; asyncpg with owner = $1 at {own.baseline / as_admin.baseline:.2f}x "
        "its rate without"
    )
    print(LEFT_OUT)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=100_000, help="documents to seed")
    parser.add_argument("--ops", type=int, default=2000, help="timed calls per operation")
    parser.add_argument(
        "--list-ops", type=int, default=None, help="timed list calls (default: ops/4)"
    )
    parser.add_argument("--batch", type=int, default=1000, help="documents per bulk insert call")
    parser.add_argument("--bulk-batches", type=int, default=5, help="timed bulk insert calls")
    parser.add_argument(
        "--url", default=ADMIN_URL, help="PostgreSQL admin URL (creates/drops the db)"
    )
    args = parser.parse_args(argv)
    args.list_ops = args.list_ops or max(1, args.ops // 4)
    if args.docs < 2 * (args.ops + warmup(args.ops)):
        parser.error(
            "--docs must be at least twice --ops (+ warm-up): each update needs its own doc"
        )
    print(f"{' '.join(['benchmarks/sql_throughput.py', *sys.argv[1:]])}")
    try:
        asyncio.run(run(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        sys.exit("interrupted")


if __name__ == "__main__":
    main()
