"""A MongoDB for the tests: ``FRAMEWORK_M_TEST_MONGO_URL``, else mongoeco's wire server started once
per test session. Unavailable: a skip locally, a failure in CI (``CI=true``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework_mx_mongo.testing import MongoTarget, MongoUnavailable, mongo_test_url

CACHE = Path(__file__).resolve().parents[3] / ".cache" / "mongoeco"


@pytest.fixture(scope="session")
def mongo_target() -> Iterator[MongoTarget]:
    try:
        with mongo_test_url(CACHE) as found:
            yield found
    except MongoUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
