"""The adapter conformance kit against the Mongo adapters (a fresh database per set)."""

from __future__ import annotations

import pytest

from framework_m_core.testing import AdapterProvider
from framework_m_core.testing.suite import *  # noqa: F403
from framework_mx_mongo.testing import MongoProvider


@pytest.fixture
def framework_m_adapters(mongo_url: str) -> AdapterProvider:
    return MongoProvider(mongo_url)
