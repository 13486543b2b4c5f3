"""How many SQL statements a Kernel read sends, on SQLite and on PostgreSQL.

A read costs a fixed number of statements whatever the data: one for the parents, one per child table
for the whole page (never one per row), and, for a caller under row-level security, one to look up the
caller's shares. Statements are counted with ``before_cursor_execute`` on the engine; transaction
control is left out (SQLite's ``BEGIN`` is a statement, asyncpg's is not).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from framework_m_core import (
    App,
    CallerContext,
    ChildDocType,
    DocType,
    Kernel,
    Page,
    PermissionRule,
)
from framework_m_core.testing import AdapterProvider
from framework_m_standard.sql import SqlRepository
from framework_m_standard.sql import repository as repository_module
from framework_m_standard.sql.testing import SqlKernel, StatementLog, open_kernel, statements

pytestmark = pytest.mark.anyio

ADMIN = CallerContext.for_user("root@example.com", "Administrator")


class OrderLine(ChildDocType):
    item: str
    qty: int = 1


class OrderTax(ChildDocType):
    account: str
    rate: Decimal = Decimal("0")


class OrderNote(ChildDocType):
    text: str


class SalesOrder(DocType):
    customer: str
    lines: list[OrderLine] = []
    taxes: list[OrderTax] = []
    notes: list[OrderNote] = []

    class Meta:
        naming = "SO-.####"


class TicketStep(ChildDocType):
    text: str


class TicketTag(ChildDocType):
    tag: str


def _own(role: str, *actions: str) -> PermissionRule:
    return PermissionRule.model_validate({"role": role, "rows": "own", "actions": actions})


class Ticket(DocType):
    subject: str
    assigned_to: str | None = None
    steps: list[TicketStep] = []
    tags: list[TicketTag] = []

    class Meta:
        rls_field = "assigned_to"
        permissions = [
            _own("Agent", "read", "write"),
            _own("Reviewer", "read"),
            _own("Auditor", "read"),
            _own("Lead", "read", "write"),
        ]


APP = App(name="statements", doctypes=[SalesOrder, Ticket])

ANN = "ann@example.com"
# One rule applies to ``agent``; four apply to ``lead``, who also has a second team.
agent = CallerContext.for_user(ANN, "Agent", teams=frozenset({"support"}))
lead = CallerContext.for_user(
    ANN, "Agent", "Reviewer", "Auditor", "Lead", teams=frozenset({"support", "billing"})
)


def _ticket(subject: str, assigned_to: str) -> dict[str, Any]:
    return {
        "subject": subject,
        "assigned_to": assigned_to,
        "steps": [{"text": f"{subject} step 1"}, {"text": f"{subject} step 2"}],
        "tags": [{"tag": "urgent"}],
    }


async def _counted_list(
    env: SqlKernel, ctx: CallerContext, **options: Any
) -> tuple[Page[Any], StatementLog]:
    with statements(env.database) as log:
        page = await env.kernel.list(ctx, Ticket, limit=500, **options)
    return page, log


async def test_get_with_three_child_tables_is_four_statements(
    sql_provider: AdapterProvider,
) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        order = await env.kernel.create(
            ADMIN,
            SalesOrder,
            {
                "customer": "Acme",
                "lines": [{"item": "Bolt", "qty": 3}, {"item": "Nut", "qty": 5}],
                "taxes": [{"account": "VAT", "rate": "0.19"}],
                "notes": [{"text": "fragile"}, {"text": "call first"}, {"text": "no Sundays"}],
            },
        )
        assert order.name == "SO-0001"
        for key in (order.id, order.name):
            with statements(env.database) as log:
                got = await env.kernel.get(ADMIN, SalesOrder, key)
            # 1 SELECT of the parent row + 1 SELECT per child table (lines, taxes, notes) = 4.
            # The Kernel adds none: an administrator passes the permission check without a share lookup.
            assert len(log) == 4, log.describe()
            assert [line.item for line in got.lines] == ["Bolt", "Nut"]
            assert [tax.rate for tax in got.taxes] == [Decimal("0.19")]
            assert [note.text for note in got.notes] == ["fragile", "call first", "no Sundays"]


async def test_listing_parents_with_two_child_tables_costs_the_same_for_5_and_50(
    sql_provider: AdapterProvider,
) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        await env.kernel.insert_many(ADMIN, Ticket, [_ticket(f"t{i}", ANN) for i in range(5)])
        few, few_log = await _counted_list(env, ADMIN)
        await env.kernel.insert_many(ADMIN, Ticket, [_ticket(f"t{i}", ANN) for i in range(5, 50)])
        many, many_log = await _counted_list(env, ADMIN)
        _, total_log = await _counted_list(env, ADMIN, with_total=True)

        assert len(few.items) == 5
        assert len(many.items) == 50
        assert all(len(t.steps) == 2 and len(t.tags) == 1 for t in many.items)
        # 1 SELECT of the page of parents + 1 SELECT per child table (steps, tags) for the whole page.
        assert len(few_log) == 3, few_log.describe()
        assert len(many_log) == len(few_log), many_log.describe()
        # with_total adds exactly one COUNT(*).
        assert len(total_log) == 4, total_log.describe()


AUDIENCES = {"ann": ANN, "support": "support", "billing": "billing", "bob": "bob@example.com"}


async def _seed_rls(kernel: Kernel, n: int) -> dict[str, set[str]]:
    """``n`` tickets for each audience, a third of bob's (at least one) shared with ann; returns the
    subjects by audience, bob's shared ones under ``"shared"``."""
    subjects: dict[str, set[str]] = {}
    for label, assignee in AUDIENCES.items():
        tickets = await kernel.insert_many(
            ADMIN, Ticket, [_ticket(f"{label}-{n}-{i}", assignee) for i in range(n)]
        )
        subjects[label] = {t.subject for t in tickets}
        if label == "bob":
            shared = tickets[: max(1, n // 3)]
            for ticket in shared:
                await kernel.share(ADMIN, Ticket, ticket.id, ANN, ["read"])
            subjects["shared"] = {t.subject for t in shared}
    return subjects


def _visible(subjects: dict[str, set[str]], ctx: CallerContext) -> set[str]:
    teams = {"support", "billing"} if ctx is lead else {"support"}
    return subjects["ann"] | subjects["shared"] | set().union(*(subjects[t] for t in teams))


async def test_row_level_security_costs_the_same_for_any_rows_rules_teams_and_shares(
    sql_provider: AdapterProvider,
) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        counts: dict[tuple[str, int], int] = {}
        expected: dict[str, set[str]] = {"one rule": set(), "four rules": set()}
        # A small data set first, then a larger one added to it (more rows, more shares).
        for n in (2, 15):
            subjects = await _seed_rls(env.kernel, n)
            for label, ctx in (("one rule", agent), ("four rules", lead)):
                expected[label] |= _visible(subjects, ctx)
                page, log = await _counted_list(env, ctx, with_total=True)
                counts[label, n] = len(log)
                # 1 SELECT of the caller's shares + 1 SELECT of the parents with the RLS condition in
                # its WHERE + 1 SELECT per child table + 1 COUNT(*) for the total = 5.
                assert len(log) == 5, log.describe()
                assert '"assigned_to"' in log.statements[1].split(" WHERE ", 1)[1], log.describe()
                assert {t.subject for t in page.items} == expected[label]
                assert page.total == len(expected[label])
                assert all(len(t.steps) == 2 and len(t.tags) == 1 for t in page.items)
        assert len(set(counts.values())) == 1, counts


def _list_statements(env: SqlKernel) -> list[Any]:
    repository = env.kernel.repository
    assert isinstance(repository, SqlRepository)
    return [stmt for key, stmt in repository._statements.items() if key[0] in ("list", "count")]


async def test_lists_of_one_shape_share_one_statement_whatever_their_values(
    sql_provider: AdapterProvider,
) -> None:
    """Values, list lengths, limits and offsets are parameters; only the query's shape builds SQL."""
    async with open_kernel(sql_provider, [APP]) as env:
        await env.kernel.insert_many(ADMIN, Ticket, [_ticket(f"t{i}", ANN) for i in range(6)])
        shapes = [
            {"filters": [["subject", "=", "t1"]], "with_total": True},
            {"filters": [["subject", "in", ["t1", "t2"]]]},
            {"filters": [["subject", "like", "t%"], ["assigned_to", "!=", "x"]]},
        ]
        for options in shapes:
            await env.kernel.list(ADMIN, Ticket, **options)  # type: ignore[arg-type]
        built = _list_statements(env)
        assert len(built) == 4  # three list shapes and one count
        again = [
            await env.kernel.list(
                ADMIN, Ticket, filters=[["subject", "=", "t4"]], with_total=True, limit=2, offset=0
            ),
            await env.kernel.list(ADMIN, Ticket, filters=[["subject", "in", ["t3", "t4", "t5"]]]),
            await env.kernel.list(
                ADMIN,
                Ticket,
                filters=[["subject", "like", "t_"], ["assigned_to", "!=", "y"]],
                limit=3,
                offset=2,
            ),
        ]
        assert _list_statements(env) == built  # nothing new was built
        assert [t.subject for t in again[0].items] == ["t4"]
        assert again[0].total == 1
        assert sorted(t.subject for t in again[1].items) == ["t3", "t4", "t5"]
        assert len(again[2].items) == 3
        assert again[2].has_more is True
        # An empty IN list is a different shape (it compiles to FALSE): still right, not reused.
        empty = await env.kernel.list(ADMIN, Ticket, filters=[["subject", "in", []]])
        assert empty.items == []


async def test_the_statement_cache_is_bounded(
    sql_provider: AdapterProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository_module, "STATEMENT_CACHE_SIZE", 4)
    async with open_kernel(sql_provider, [APP]) as env:
        await env.kernel.insert_many(ADMIN, Ticket, [_ticket(f"t{i}", ANN) for i in range(3)])
        # Ten different shapes: one to nine conditions on subject.
        for n in range(1, 11):
            page = await env.kernel.list(
                ADMIN, Ticket, filters=[["subject", "!=", f"x{i}"] for i in range(n)]
            )
            assert len(page.items) == 3
        repository = env.kernel.repository
        assert isinstance(repository, SqlRepository)
        assert len(repository._statements) <= 4
