"""Fixtures shared by every test directory of the workspace."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

DOCS_EXAMPLES = Path(__file__).parent / "docs" / "examples"


@pytest.fixture
def invoicing_example() -> ModuleType:
    """``docs/examples/invoicing.py`` imported fresh (its ``app`` and ``main(kernel=None)``)."""
    path = DOCS_EXAMPLES / "invoicing.py"
    spec = importlib.util.spec_from_file_location("docs_example_invoicing", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
