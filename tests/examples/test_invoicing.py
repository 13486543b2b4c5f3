"""Runs docs/examples/invoicing.py: the documented walk through the Kernel must keep working."""

from __future__ import annotations

import subprocess
import sys
from types import ModuleType

import pytest


@pytest.mark.anyio
async def test_invoicing_walkthrough(invoicing_example: ModuleType) -> None:
    result = await invoicing_example.main()
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


def test_example_runs_as_a_script(invoicing_example: ModuleType) -> None:
    done = subprocess.run(
        [sys.executable, str(invoicing_example.__file__)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'amended': 'INV-" in done.stdout
