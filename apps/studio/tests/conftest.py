"""Shared fixtures and helpers of Studio's tests: the framework's wheels, built once per test session
(and copied into a directory of each module's own), commands run in a clean environment, and what a
command wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]


def uv() -> str:
    found = shutil.which("uv")
    if found is None:
        pytest.fail("uv is needed to build and install wheels (scripts/_uv.sh installs it)")
    return found


def clean_env() -> dict[str, str]:
    """This process's environment without Framework M settings, which would steer selection."""
    return {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}


def run(
    *command: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None, code: int = 0
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to completion; it must exit with ``code`` (both streams shown if not)."""
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == code, f"{command}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def framework_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of framework-m-core, -standard and framework-m from this tree (for fresh venvs)."""
    out = tmp_path_factory.mktemp("framework-wheels")
    for package in ("framework-m-core", "framework-m-standard", "framework-m"):
        run(uv(), "build", "-q", "--wheel", "--package", package, "--out-dir", out)
    return out


@pytest.fixture(scope="module")
def wheels(framework_wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The framework's wheels, copied into a directory of the test module's own (its builds join
    them)."""
    out = tmp_path_factory.mktemp("wheels")
    for wheel in framework_wheels.glob("*.whl"):
        shutil.copy(wheel, out)
    return out


def tree(path: Path) -> list[str]:
    """Everything below ``path``, files and directories, relative to it and sorted."""
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))
