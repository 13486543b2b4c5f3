"""The adapter conformance kit against the SQL adapters on SQLite."""

from __future__ import annotations

import pytest

from framework_m_core.testing import AdapterProvider
from framework_m_core.testing.suite import *  # noqa: F403
from framework_m_standard.sql.testing import SqliteProvider


@pytest.fixture
def framework_m_adapters() -> AdapterProvider:
    return SqliteProvider()
