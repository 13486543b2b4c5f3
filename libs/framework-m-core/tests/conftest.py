"""Shared fixtures for the core's tests: the async backend, the ``install`` fixture of the composition
tests (fake distributions) and the ``kernel`` of the kernel tests (the tasks app, in memory)."""

from __future__ import annotations

import importlib.metadata
import textwrap
from pathlib import Path

import pytest

from framework_m_core import Kernel, in_memory_kernel

from .composition_fakes import FIXTURES, Install
from .tasks_app import app


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (the backend every adapter supports)."""
    return "asyncio"


@pytest.fixture
def install(tmp_path: Path) -> Install:
    """Write a distribution's metadata and return its entry points (bound to the distribution).

    ``fixtures:`` in an entry point's value stands for composition_fakes.py (its published name)."""

    def _install(name: str, version: str, entry_points: str) -> list[importlib.metadata.EntryPoint]:
        root = tmp_path / name
        info = root / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        text = textwrap.dedent(entry_points).replace("fixtures:", f"{FIXTURES}:")
        (info / "entry_points.txt").write_text(text)
        (dist,) = importlib.metadata.distributions(path=[str(root)])
        return list(dist.entry_points)

    return _install


@pytest.fixture
async def kernel() -> Kernel:
    """The tasks app (tasks_app.py) on a fresh in-memory kernel."""
    return await in_memory_kernel([app])
