"""Fixtures of this folder's SQL tests (the package-wide ones, ``database_url`` among them, are in
../conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def url(database_url: str) -> str:
    """A new, empty database on SQLite and on PostgreSQL (the package conftest's ``database_url``)."""
    return database_url
