"""Database configuration: where the URL comes from, which URLs are accepted, what reaches the engine,
what is never shown, and DocTypes routed to a second database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated
from urllib.parse import quote
from uuid import UUID, uuid4

import pytest

from framework_m_core import (
    AdapterError,
    App,
    CallerContext,
    ConfigurationError,
    DocType,
    Link,
    LinkValidation,
)
from framework_m_core.composition import Settings, load_settings, start_runtime
from framework_m_standard.sql import DatabaseConfig, SqlDatabase, database_config
from framework_m_standard.sql._request.pool import PoolLimits
from framework_m_standard.sql.config import DEFAULT_SQLITE_FILE, redact
from framework_m_standard.sql.testing import admin

ADMIN = CallerContext.for_user("root@example.com", "Administrator")
URL_ENV = "FRAMEWORK_M_DATABASE_URL"


def write_config(folder: Path, text: str) -> Path:
    path = folder / "framework_config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def config_from(path: Path | None, env: dict[str, str] | None = None) -> DatabaseConfig:
    return database_config(load_settings(path, env=env or {}))


# ------------------------------------------------------------------ where the URL comes from


def test_the_environment_variable_wins_over_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[database]\nurl = "sqlite:///from-file.sqlite3"\n')
    assert config_from(path).url == "sqlite+aiosqlite:///from-file.sqlite3"
    from_env = config_from(path, {URL_ENV: "postgresql://app@db.internal/app"})
    assert from_env.url == "postgresql+asyncpg://app@db.internal/app"


def test_without_a_url_the_database_is_a_sqlite_file_next_to_the_config(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[database]\npool_size = 3\n")
    assert config_from(path).url == f"sqlite+aiosqlite:///{tmp_path / DEFAULT_SQLITE_FILE}"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///app.sqlite3", "sqlite+aiosqlite:///app.sqlite3"),
        ("sqlite:////abs/app.sqlite3", "sqlite+aiosqlite:////abs/app.sqlite3"),
        ("sqlite+aiosqlite:///app.sqlite3", "sqlite+aiosqlite:///app.sqlite3"),
        ("postgresql://app@127.0.0.1:5432/app", "postgresql+asyncpg://app@127.0.0.1:5432/app"),
        ("postgres://app@127.0.0.1/app", "postgresql+asyncpg://app@127.0.0.1/app"),
        ("postgresql+asyncpg://app@127.0.0.1/app", "postgresql+asyncpg://app@127.0.0.1/app"),
    ],
)
def test_shorthands_select_the_async_drivers(given: str, used: str) -> None:
    assert DatabaseConfig(url=given).url == used
    assert DatabaseConfig(url="sqlite://", binds={"other": given}).bind_url("other") == used


# ------------------------------------------------------------------ bad URLs name their origin


@pytest.mark.parametrize(
    "url", ["mysql://app:s3cret@db/app", "postgresql+psycopg://app:s3cret@db/app"]
)
def test_unsupported_scheme_in_the_file_names_the_file(tmp_path: Path, url: str) -> None:
    path = write_config(tmp_path, f'[database]\nurl = "{url}"\n')
    with pytest.raises(ConfigurationError) as caught:
        config_from(path)
    message = str(caught.value)
    assert str(path) in message
    assert "database.url" in message
    assert "unsupported database URL scheme" in message
    assert "s3cret" not in message


def test_unsupported_scheme_in_the_environment_names_the_variable(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[database]\nurl = "sqlite:///ok.sqlite3"\n')
    with pytest.raises(ConfigurationError, match=f"^{URL_ENV}: invalid database.url"):
        config_from(path, {URL_ENV: "oracle://scott:tiger@db/app"})
    nested = "FRAMEWORK_M_DATABASE__URL"
    with pytest.raises(ConfigurationError, match=f"^environment variable {nested}: "):
        config_from(None, {nested: "oracle://scott:tiger@db/app"})


def test_unsupported_scheme_of_a_bind_names_the_file_and_the_bind(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[database]\nurl = "sqlite:///main.sqlite3"\n'
        '[database.binds]\narchive = "mssql://sa:s3cret@db/archive"\n',
    )
    with pytest.raises(ConfigurationError) as caught:
        config_from(path)
    message = str(caught.value)
    assert str(path) in message
    assert "database.binds.archive" in message
    assert "s3cret" not in message


def test_doctypes_routed_to_an_unknown_bind_are_refused(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[database]\nurl = "sqlite:///main.sqlite3"\n[database.doctypes]\nAuditEntry = "archive"\n',
    )
    with pytest.raises(ConfigurationError, match=r"unknown binds \['archive'\]"):
        config_from(path)


# ------------------------------------------------------------------ engine options and secrets


@pytest.mark.anyio
async def test_pool_settings_reach_the_postgresql_pool(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        "[database]\n"
        'url = "postgresql://app:s3cret@127.0.0.1:5432/app"\n'
        "pool_size = 3\nmax_overflow = 4\npool_timeout = 7.5\n"
        "pool_pre_ping = true\npool_recycle = 60\n",
    )
    db = SqlDatabase(config_from(path))
    try:
        pool = db.pool()  # creating the pool does not connect
        assert pool.limits == PoolLimits(size=3, overflow=4, timeout=7.5, recycle=60, pre_ping=True)
        assert (pool.idle, pool.checked_out) == (0, 0)
    finally:
        await db.dispose()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+asyncpg://app:s3cret@127.0.0.1:5432/app",
            "postgresql+asyncpg://app:***@127.0.0.1:5432/app",
        ),
        ("postgresql+asyncpg://app:p@ss:w@rd@db/app", "postgresql+asyncpg://app:***@db/app"),
        ("postgresql+asyncpg://app@db/app", "postgresql+asyncpg://app@db/app"),
        ("sqlite+aiosqlite:///app.sqlite3", "sqlite+aiosqlite:///app.sqlite3"),
    ],
)
def test_passwords_are_redacted(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_describe_shows_every_bind_without_passwords() -> None:
    db = SqlDatabase(
        DatabaseConfig(
            url="postgresql://app:s3cret@db/app",
            binds={"archive": "postgresql://arch:t0psecret@db/archive"},
        )
    )
    assert db.describe() == {
        "default": "postgresql+asyncpg://app:***@db/app",
        "archive": "postgresql+asyncpg://arch:***@db/archive",
    }


# ------------------------------------------------------------------ a second database


class AuditEntry(DocType):
    action: str


class Memo(DocType):
    text: str
    audit: Annotated[UUID | None, Link("AuditEntry")] = None


BINDS_APP = App(name="binds", doctypes=[AuditEntry, Memo])


def tables_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def rows_in(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.anyio
async def test_a_doctype_routed_to_a_second_sqlite_file_lives_there(tmp_path: Path) -> None:
    main, archive = tmp_path / "main.sqlite3", tmp_path / "archive.sqlite3"
    path = write_config(
        tmp_path,
        f'[database]\nurl = "sqlite:///{main}"\n'
        f'[database.binds]\narchive = "sqlite:///{archive}"\n'
        '[database.doctypes]\nAuditEntry = "archive"\n',
    )
    async with await start_runtime(load_settings(path, env={}), apps=[BINDS_APP]) as runtime:
        kernel = runtime.kernel
        login = await kernel.create(ADMIN, AuditEntry, {"action": "login"})
        await kernel.create(ADMIN, AuditEntry, {"action": "logout"})
        assert (await kernel.get(ADMIN, AuditEntry, login.id)).action == "login"
        page = await kernel.list(ADMIN, AuditEntry, order_by="action asc", with_total=True)
        assert [e.action for e in page.items] == ["login", "logout"]
        assert page.total == 2
        # A link across databases has no foreign key, but the Kernel still checks it.
        memo = await kernel.create(ADMIN, Memo, {"text": "see audit", "audit": login.id})
        assert (await kernel.get(ADMIN, Memo, memo.id)).audit == login.id
        with pytest.raises(LinkValidation):
            await kernel.create(ADMIN, Memo, {"text": "dangling", "audit": uuid4()})

    assert "audit_entry" in tables_in(archive)
    assert "audit_entry" not in tables_in(main)
    assert {"memo", "doc_share", "fm_outbox", "fm_naming_series"} <= tables_in(main)
    assert "memo" not in tables_in(archive)
    assert sorted(rows_in(archive, "SELECT action FROM audit_entry")) == [("login",), ("logout",)]
    assert rows_in(main, "SELECT text FROM memo") == [("see audit",)]
    assert rows_in(main, "PRAGMA foreign_key_list(memo)") == []


@pytest.mark.anyio
async def test_a_sqlite_path_with_escaped_characters_is_one_file_for_schema_and_requests(
    tmp_path: Path,
) -> None:
    file = tmp_path / "with space" / "app.sqlite3"
    file.parent.mkdir()
    settings = {"database": {"url": "sqlite:///" + quote(str(file))}}  # .../with%20space/...
    async with await start_runtime(Settings.model_validate(settings), apps=[BINDS_APP]) as runtime:
        await runtime.kernel.create(ADMIN, Memo, {"text": "one file"})  # tables made by schema work
    assert rows_in(file, "SELECT text FROM memo") == [("one file",)]
    assert not (tmp_path / "with%20space").exists()


async def _reaches(db: SqlDatabase) -> tuple[bool, bool]:
    """Whether requests and schema work connect with ``db``'s URL."""
    try:
        await db.ping()
        requests = True
    except AdapterError:
        requests = False
    try:
        async with db.engine().connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        schema = True
    except Exception:
        schema = False
    return requests, schema


@pytest.mark.anyio
@pytest.mark.parametrize("key", ["sslmode", "ssl"])
async def test_postgresql_url_parameters_in_either_spelling_reach_requests_and_schema_work(
    postgres_url: str, key: str
) -> None:
    # libpq's ``sslmode`` and SQLAlchemy's ``ssl``: the same meaning for both connection paths.
    (ssl_on,) = await admin(postgres_url, "SELECT current_setting('ssl') = 'on'")
    for mode, expected in (("disable", True), ("require", ssl_on)):
        db = SqlDatabase(DatabaseConfig(url=f"{postgres_url}?{key}={mode}"))
        try:
            assert await _reaches(db) == (expected, expected), mode
        finally:
            await db.dispose()
