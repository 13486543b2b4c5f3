"""Shared fixtures of the standard package's tests (grouped by concern in ``sql/``, ``web/``,
``identity/`` and ``cli/``): a reachable PostgreSQL (or a clear failure in CI), fresh SQL storage on
SQLite and on PostgreSQL for tests that must hold on both, and the check of the command line's errors."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from framework_m_standard.sql.testing import (
    DEFAULT_POSTGRES_URL,
    POSTGRES_URL_ENV,
    PostgresProvider,
    SqliteProvider,
    create_database,
    drop_database,
)
from framework_m_standard.sql.testing import postgres_database as new_database

SQL_BACKENDS = ("sqlite", "postgresql")


def _postgres_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


async def _reachable(url: str) -> str | None:
    import asyncpg  # type: ignore[import-untyped]  # the driver itself: the plainest probe

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The admin URL of the test PostgreSQL server. Missing server: a skip locally, a failure in CI."""
    url = _postgres_url()
    problem = asyncio.run(_reachable(url))
    if problem is not None:
        message = (
            f"PostgreSQL at {url} is not reachable ({problem}); set {POSTGRES_URL_ENV} or start it"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture(params=SQL_BACKENDS)
def sql_provider(
    request: pytest.FixtureRequest, tmp_path: Path
) -> SqliteProvider | PostgresProvider:
    """Fresh adapter sets on SQLite, then on PostgreSQL (a schema of its own per set)."""
    if request.param == "postgresql":
        return PostgresProvider(request.getfixturevalue("postgres_url"))
    return SqliteProvider(tmp_path)


@pytest.fixture
def postgres_provider(postgres_url: str) -> PostgresProvider:
    return PostgresProvider(postgres_url)


@pytest.fixture(params=SQL_BACKENDS)
def database_server(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """``sqlite:///<file>``, or the admin URL of the test PostgreSQL server (resolved here, outside an
    event loop, because ``postgres_url`` runs one of its own)."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return f"sqlite:///{tmp_path}/app.sqlite3"


@pytest.fixture
async def database_url(database_server: str) -> AsyncIterator[str]:
    """The URL of a new, empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if database_server.startswith("sqlite"):
        yield database_server
        return
    async with new_database(database_server) as url:
        yield url


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards — for tests outside an event
    loop (those that drive ``m`` in a subprocess)."""
    url = asyncio.run(create_database(postgres_url, "fm_cli"))
    try:
        yield url
    finally:
        asyncio.run(drop_database(postgres_url, url))


def _one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    """``m``'s promise for a failure: exit ``code``, no traceback, one ``error: …`` line on stderr
    (returned)."""
    assert result.returncode == code, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def one_line_error() -> Callable[[subprocess.CompletedProcess[str], int], str]:
    """The check of ``m``'s one-line errors (see ``_one_line_error``)."""
    return _one_line_error
