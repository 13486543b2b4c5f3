"""The adapter conformance kit against the SQL adapters on PostgreSQL (a fresh database per set)."""

from __future__ import annotations

import pytest

from framework_m_core.testing import AdapterProvider
from framework_m_core.testing.suite import *  # noqa: F403
from framework_m_standard.sql.testing import PostgresProvider


@pytest.fixture
def framework_m_adapters(postgres_url: str) -> AdapterProvider:
    return PostgresProvider(postgres_url)
