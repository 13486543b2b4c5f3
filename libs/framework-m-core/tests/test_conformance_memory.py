"""The conformance kit run against the in-memory reference adapters (what every adapter package does)."""

from __future__ import annotations

import pytest

from framework_m_core.testing import AdapterProvider, MemoryProvider
from framework_m_core.testing.suite import *  # noqa: F403


@pytest.fixture
def framework_m_adapters() -> AdapterProvider:
    return MemoryProvider()
