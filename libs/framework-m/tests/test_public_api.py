"""The public API of ``framework_m`` is exactly what docs/reference/public-api.md lists."""

from __future__ import annotations

import re
from pathlib import Path

import framework_m
import framework_m_core

DOC = Path(__file__).parents[3] / "docs" / "reference" / "public-api.md"


def documented_names() -> set[str]:
    return set(re.findall(r"^- `([A-Za-z_][A-Za-z0-9_]*)`", DOC.read_text(), flags=re.MULTILINE))


def test_all_is_exactly_the_documented_api() -> None:
    assert set(framework_m.__all__) == documented_names()


def test_every_exported_name_exists_and_comes_from_core() -> None:
    for name in framework_m.__all__:
        assert hasattr(framework_m, name), name
        if name != "__version__":
            assert getattr(framework_m, name) is getattr(framework_m_core, name)


def test_no_private_name_leaks() -> None:
    public = {n for n in dir(framework_m) if not n.startswith("_")}
    assert public <= set(framework_m.__all__) | {"annotations"}
