"""Shared fixtures for the core's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (the backend every adapter supports)."""
    return "asyncio"
