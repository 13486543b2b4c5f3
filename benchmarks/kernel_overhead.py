"""How much the Kernel's guarantees cost over raw repository calls, on the in-memory adapters.

Run: ``uv run python benchmarks/kernel_overhead.py [N]``. Prints operations per second for Kernel
create/get/list and for the bare Repository doing the same work in the same run, and their ratio —
ratios from one run are comparable across machines, absolute numbers are not.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal

from framework_m import App, CallerContext, ChildDocType, DocType, in_memory_kernel
from framework_m_core._kernel.records import to_record
from framework_m_core.query import Query


class BenchLine(ChildDocType):
    item: str
    qty: int = 1


class BenchDoc(DocType):
    title: str
    amount: Decimal = Decimal(0)
    lines: list[BenchLine] = []

    class Meta:
        naming = "B-.#######"


async def rate(label: str, n: int, op: Callable[[int], Awaitable[object]]) -> float:
    start = time.perf_counter()
    for i in range(n):
        await op(i)
    per_second = n / (time.perf_counter() - start)
    print(f"{label:<28} {per_second:>10,.0f} ops/s")
    return per_second


async def main(n: int) -> None:
    kernel = await in_memory_kernel([App(name="bench", doctypes=[BenchDoc])])
    admin = CallerContext.for_user("bench", "Administrator")
    meta = kernel.meta(BenchDoc)
    payload = {"title": "x", "amount": "1.5", "lines": [{"item": "a"}, {"item": "b"}]}
    created: list[BenchDoc] = []

    async def kernel_create(i: int) -> None:
        created.append(await kernel.create(admin, BenchDoc, payload))

    async def raw_insert(i: int) -> None:
        record = to_record(
            meta, created[i].model_copy(update={"id": kernel.ids.new_id(), "name": f"r{i}"})
        )
        async with kernel.scopes.unit_of_work.transaction() as tx:
            await kernel.repository.insert(tx, meta, [record])

    async def kernel_get(i: int) -> None:
        await kernel.get(admin, BenchDoc, created[i].id)

    async def raw_get(i: int) -> None:
        async with kernel.scopes.unit_of_work.transaction() as tx:
            await kernel.repository.get(tx, meta, created[i].id)

    async def kernel_list(i: int) -> None:
        await kernel.list(admin, BenchDoc, limit=20, filters=[["title", "=", "x"]])

    async def raw_list(i: int) -> None:
        async with kernel.scopes.unit_of_work.transaction() as tx:
            await kernel.repository.list(tx, meta, Query(limit=20))

    pairs = [("create", kernel_create, raw_insert), ("get", kernel_get, raw_get)]
    for name, through_kernel, raw in pairs:
        k = await rate(f"kernel {name}", n, through_kernel)
        r = await rate(f"repository {name}", n, raw)
        print(f"{'kernel/repository ' + name:<28} {k / r:>10.2f}x")
    small = max(n // 20, 10)
    k = await rate("kernel list (20 rows)", small, kernel_list)
    r = await rate("repository list (20 rows)", small, raw_list)
    print(f"{'kernel/repository list':<28} {k / r:>10.2f}x")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
