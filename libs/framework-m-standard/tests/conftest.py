"""Shared fixtures of the standard package's tests: a reachable PostgreSQL, or a clear failure in CI."""

from __future__ import annotations

import asyncio
import os

import pytest

from framework_m_standard.sql.testing import DEFAULT_POSTGRES_URL, POSTGRES_URL_ENV


def _postgres_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


async def _reachable(url: str) -> str | None:
    import asyncpg  # the driver itself: the plainest possible probe

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
