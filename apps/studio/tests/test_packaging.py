"""Studio stays out of the runtime: serving an app never loads jinja2 or libcst, and Studio's
commands reach ``m`` only through its entry points."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

STUDIO = Path(__file__).parents[1]


def test_the_runtime_loads_neither_jinja2_nor_libcst() -> None:
    probe = (
        "import sys\n"
        "from framework_m_standard.web.app import create_app\n"
        "import framework_m\n"
        "create_app()\n"
        "from framework_m_standard.cli.app import build_app\n"
        "build_app()\n"  # loads every command's module, Studio's included
        "print(sorted(m for m in ('jinja2', 'libcst') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_no_runtime_package_depends_on_studio_libraries() -> None:
    for dist in ("framework-m-core", "framework-m-standard", "framework-m"):
        requires = importlib.metadata.requires(dist) or []
        assert not [r for r in requires if r.startswith(("jinja2", "libcst"))], dist


def test_commands_arrive_through_entry_points() -> None:
    pyproject = tomllib.loads((STUDIO / "pyproject.toml").read_text())
    declared = pyproject["project"]["entry-points"]["framework_m.cli_commands"]
    assert set(declared) == {"new", "codegen", "docs", "studio"}
    installed = {
        ep.name: ep.value
        for ep in importlib.metadata.entry_points(group="framework_m.cli_commands")
    }
    assert {k: installed[k] for k in declared} == declared
