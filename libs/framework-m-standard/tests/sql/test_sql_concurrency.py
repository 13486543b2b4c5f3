"""Concurrent Kernel writes on SQLite and PostgreSQL: naming series stay unique, and of many updates
of one version exactly one wins."""

from __future__ import annotations

import asyncio
from uuid import UUID

import pytest

from framework_m_core import (
    App,
    CallerContext,
    ChildDocType,
    Controller,
    DocType,
    VersionConflict,
)
from framework_m_core.testing import AdapterProvider
from framework_m_standard.sql.testing import PostgresProvider, open_kernel

pytestmark = pytest.mark.anyio

ADMIN = CallerContext.for_user("root@example.com", "Administrator")
CREATES = 200
WRITERS = 10


class VoucherLine(ChildDocType):
    text: str


class Voucher(DocType):
    memo: str = ""
    lines: list[VoucherLine] = []

    class Meta:
        naming = "V-.#####"


GATES: dict[UUID, asyncio.Barrier] = {}
"""Document id → a barrier every save of that document waits at before it writes (see below)."""


class VoucherController(Controller[Voucher]):
    async def before_save(self) -> None:
        gate = GATES.get(self.doc.id)
        if gate is not None:
            async with asyncio.timeout(60):  # a guard against a hang, not a timing assertion
                if await gate.wait() == 0:
                    GATES.pop(self.doc.id, None)  # one-shot: retried saves pass straight through


APP = App(name="concurrency", doctypes=[Voucher], controllers={"Voucher": VoucherController})


async def test_concurrent_creates_get_distinct_series_names(sql_provider: AdapterProvider) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        docs = await asyncio.gather(
            *(
                env.kernel.create(ADMIN, Voucher, {"memo": f"m{i}", "lines": [{"text": "x"}]})
                for i in range(CREATES)
            )
        )
        assert sorted(str(d.name) for d in docs) == [f"V-{n:05d}" for n in range(1, CREATES + 1)]
        assert await env.kernel.naming_counter.current("V-#####") == CREATES
        assert await env.kernel.count(ADMIN, Voucher) == CREATES


async def test_concurrent_updates_of_one_version_exactly_one_wins(
    sql_provider: AdapterProvider,
) -> None:
    """On PostgreSQL every writer first passes the Kernel's version check, then all wait at a barrier
    before writing, so the losers are stopped by the UPDATE's own ``WHERE version = …``. SQLite
    serializes whole write transactions, so there the losers load the winner's version and the Kernel
    refuses them; the outcome must be the same."""
    async with open_kernel(sql_provider, [APP]) as env:
        doc = await env.kernel.create(ADMIN, Voucher, {"memo": "start", "lines": [{"text": "0"}]})
        if isinstance(sql_provider, PostgresProvider):
            GATES[doc.id] = asyncio.Barrier(WRITERS)
        try:
            results = await asyncio.gather(
                *(
                    env.kernel.update(
                        ADMIN,
                        Voucher,
                        doc.id,
                        {"memo": f"writer {i}", "lines": [{"text": f"{i}a"}, {"text": f"{i}b"}]},
                        version=doc.version,
                    )
                    for i in range(WRITERS)
                ),
                return_exceptions=True,
            )
        finally:
            GATES.pop(doc.id, None)
        winners = [r for r in results if isinstance(r, Voucher)]
        losers = [r for r in results if isinstance(r, VersionConflict)]
        assert len(winners) == 1, results
        assert len(losers) == WRITERS - 1, results
        final = await env.kernel.get(ADMIN, Voucher, doc.id)
        assert final.version == doc.version + 1
        assert final.memo == winners[0].memo
        # The loser's child rows were rolled back with the rest of its transaction.
        i = final.memo.removeprefix("writer ")
        assert [line.text for line in final.lines] == [f"{i}a", f"{i}b"]


async def test_concurrent_updates_without_a_version_all_apply(
    sql_provider: AdapterProvider,
) -> None:
    """Without a version the caller asked for last-writer-wins: a writer that loses the race is
    applied again on the newer version rather than answered with a conflict."""
    writers = 2
    async with open_kernel(sql_provider, [APP]) as env:
        doc = await env.kernel.create(ADMIN, Voucher, {"memo": "start"})
        if isinstance(sql_provider, PostgresProvider):
            GATES[doc.id] = asyncio.Barrier(writers)  # both read version 1 before either writes
        try:
            results = await asyncio.gather(
                *(
                    env.kernel.update(
                        ADMIN, Voucher, doc.id, {"lines": [{"text": f"{i}"}], "memo": f"w{i}"}
                    )
                    for i in range(writers)
                )
            )
        finally:
            GATES.pop(doc.id, None)
        assert sorted(r.version for r in results) == [doc.version + 1, doc.version + 2]
        final = await env.kernel.get(ADMIN, Voucher, doc.id)
        assert final.version == doc.version + writers
        last = max(results, key=lambda r: r.version)
        assert final.memo == last.memo
        assert [line.text for line in final.lines] == [line.text for line in last.lines]
