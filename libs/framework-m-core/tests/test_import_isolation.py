"""The core depends on pydantic only: importing it (and its kit) must load no I/O or Studio library."""

from __future__ import annotations

import json
import re
import subprocess
import sys

FORBIDDEN = [
    "sqlalchemy",
    "litestar",
    "pymongo",
    "motor",
    "nats",
    "redis",
    "taskiq",
    "jinja2",
    "libcst",
    "httpx",
    "uvicorn",
    "alembic",
    "asyncpg",
    "aiosqlite",
    "cyclopts",
]


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_core_loads_no_io_library() -> None:
    loaded = loaded_after(
        "import framework_m_core, framework_m_core.memory, framework_m_core.composition, "
        "framework_m_core.testing"
    )
    assert "framework_m_core" in loaded
    assert loaded.isdisjoint(FORBIDDEN), loaded & set(FORBIDDEN)


def test_core_declares_pydantic_as_its_only_dependency() -> None:
    from importlib.metadata import requires

    runtime = [r for r in requires("framework-m-core") or [] if "extra" not in r]
    assert [re.match(r"[A-Za-z0-9_.-]+", r).group(0) for r in runtime] == ["pydantic"]  # type: ignore[union-attr]
