"""Driver errors become the core taxonomy, with the driver's own exception chained underneath.

Each test provokes one kind of failure on SQLite and on PostgreSQL and checks the error type, its
message, and that ``__cause__`` is the adapters' ``DriverError`` wrapping the driver's own exception.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated
from uuid import UUID, uuid4

import asyncpg  # type: ignore[import-untyped]
import pytest

from framework_m_core import (
    AdapterError,
    App,
    CallerContext,
    DocType,
    DuplicateName,
    Link,
    LinkValidation,
    ValidationError,
)
from framework_m_core.composition import Settings, start_runtime
from framework_m_core.testing import AdapterProvider
from framework_m_standard.sql._request.errors import DriverError
from framework_m_standard.sql.testing import PostgresProvider, SqlKernel, open_kernel

pytestmark = pytest.mark.anyio

ADMIN = CallerContext.for_user("root@example.com", "Administrator")


class Ledger(DocType):
    code: str
    region: str = "EU"
    slot: int = 0

    class Meta:
        naming = "field:code"
        unique_together = (("region", "slot"),)


class Entry(DocType):
    ledger: Annotated[UUID, Link("Ledger")]
    memo: str = ""


APP = App(name="errors", doctypes=[Ledger, Entry])


def chain(exc: BaseException) -> list[BaseException]:
    """The exceptions under ``exc``: its ``__cause__``, then the wrapped ``orig`` and so on down."""
    found: list[BaseException] = []
    current = exc.__cause__
    while current is not None and current not in found:
        found.append(current)
        current = getattr(current, "orig", None) or current.__cause__
    return found


def driver(
    provider: AdapterProvider, sqlite_error: type[Exception], pg_error: type[Exception]
) -> type[Exception]:
    return pg_error if isinstance(provider, PostgresProvider) else sqlite_error


async def _ledger_count(env: SqlKernel) -> int:
    return await env.kernel.count(ADMIN, Ledger)


async def test_unique_name_violation_is_duplicate_name(sql_provider: AdapterProvider) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        await env.kernel.create(ADMIN, Ledger, {"code": "L-1", "slot": 1})
        with pytest.raises(DuplicateName, match="Ledger already exists") as caught:
            await env.kernel.create(ADMIN, Ledger, {"code": "L-1", "slot": 2})
        assert isinstance(caught.value.__cause__, DriverError)
        unique = driver(sql_provider, sqlite3.IntegrityError, asyncpg.UniqueViolationError)
        assert any(isinstance(e, unique) for e in chain(caught.value)), chain(caught.value)
        assert caught.value.details["doctype"] == "Ledger"
        assert await _ledger_count(env) == 1


async def test_unique_together_violation_is_duplicate_name(sql_provider: AdapterProvider) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        await env.kernel.create(ADMIN, Ledger, {"code": "L-1", "slot": 7})
        with pytest.raises(DuplicateName) as caught:
            await env.kernel.create(ADMIN, Ledger, {"code": "L-2", "slot": 7})
        assert isinstance(caught.value.__cause__, DriverError)
        assert await _ledger_count(env) == 1


async def test_dangling_foreign_key_from_a_direct_insert_is_link_validation(
    sql_provider: AdapterProvider,
) -> None:
    """The Kernel checks links itself; the foreign key is the store's own guard, reached here by
    writing through the Repository directly."""
    async with open_kernel(sql_provider, [APP]) as env:
        ledger = await env.kernel.create(ADMIN, Ledger, {"code": "L-1"})
        entry = await env.kernel.create(ADMIN, Entry, {"ledger": ledger.id})
        meta = env.kernel.meta(Entry)
        repository, uow = env.adapters.repository, env.adapters.unit_of_work
        async with uow.transaction(readonly=True) as tx:
            record = await repository.get(tx, meta, entry.id)
        assert record is not None
        record.update(id=uuid4(), name="dangling", ledger=uuid4())
        with pytest.raises(LinkValidation, match="Entry would break a link") as caught:
            async with uow.transaction() as tx:
                await repository.insert(tx, meta, [record])
        assert isinstance(caught.value.__cause__, DriverError)
        fk = driver(sql_provider, sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)
        assert any(isinstance(e, fk) for e in chain(caught.value)), chain(caught.value)
        assert await env.kernel.count(ADMIN, Entry) == 1


async def test_missing_table_is_an_adapter_error_naming_the_doctype(
    sql_provider: AdapterProvider,
) -> None:
    async with open_kernel(sql_provider, [APP], sync=False) as env:
        with pytest.raises(AdapterError, match="no storage for DocType 'Ledger'") as create:
            await env.kernel.create(ADMIN, Ledger, {"code": "L-1"})
        with pytest.raises(AdapterError, match="no storage for DocType 'Ledger'") as read:
            await env.kernel.list(ADMIN, Ledger)
        missing = driver(sql_provider, sqlite3.OperationalError, asyncpg.UndefinedTableError)
        for caught in (create, read):
            assert "m migrate upgrade" in str(caught.value)
            assert isinstance(caught.value.__cause__, DriverError)
            assert any(isinstance(e, missing) for e in chain(caught.value)), chain(caught.value)


async def test_a_nul_character_in_a_filter_list_is_refused_on_both_databases(
    sql_provider: AdapterProvider,
) -> None:
    # SQLite would compare such a list item cut short (and never match); PostgreSQL refuses NUL in
    # text. Both answer the same: a validation error, not an empty page.
    async with open_kernel(sql_provider, [APP]) as env:
        await env.kernel.create(ADMIN, Ledger, {"code": "a"})
        for operator in ("in", "not in"):
            with pytest.raises(ValidationError, match="Ledger"):
                await env.kernel.list(ADMIN, Ledger, filters=[["code", operator, ["a\x00b"]]])
        assert await _ledger_count(env) == 1


async def test_unreachable_postgresql_is_an_adapter_error_without_the_password() -> None:
    # Nothing listens on port 1; the connection is refused at once (no PostgreSQL server needed).
    settings = Settings.model_validate(
        {"database": {"url": "postgresql://app:s3cret@127.0.0.1:1/app"}}
    )
    with pytest.raises(AdapterError, match="the database is unreachable") as caught:
        await start_runtime(settings, apps=[APP])
    assert "s3cret" not in str(caught.value)
    assert any(isinstance(e, OSError) for e in chain(caught.value)), chain(caught.value)
