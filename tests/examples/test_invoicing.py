"""Runs docs/examples/invoicing.py: the documented walk through the Kernel must keep working."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "invoicing.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_example_invoicing", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.anyio
async def test_invoicing_walkthrough() -> None:
    result = await load_example().main()
    assert result == {
        "stale_update": "version_conflict",
        "stranger": "permission_denied",
        "bob_sees": 0,
        "manager_sees": 2,
        "amended": result["amended"],
        "summary": result["summary"],
    }
    assert str(result["amended"]).endswith("-0001-1")
    assert str(result["summary"]).endswith(": 5.00 USD")


def test_example_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, check=True
    )
    assert "'amended': 'INV-" in done.stdout
