"""Shared fixtures: a MongoDB for the tests (``FRAMEWORK_M_TEST_MONGO_URL``, else mongoeco's wire server
started once per session; unavailable: a skip locally, a failure in CI), and wheels of Framework M and
of this package with throw-away virtual environments to install them into."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from framework_mx_mongo.testing import MongoUnavailable, mongo_test_url

ROOT = Path(__file__).resolve().parents[3]
CACHE = ROOT / ".cache" / "mongoeco"
PACKAGES = ("framework-m-core", "framework-m-standard", "framework-m", "framework-m-crm")


@pytest.fixture(scope="session")
def mongo_url() -> Iterator[str]:
    try:
        with mongo_test_url(CACHE) as found:
            yield found
    except MongoUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


def uv() -> str:
    found = shutil.which("uv")
    if found is None:
        pytest.fail("uv is needed to build and install wheels (scripts/test installs it)")
    return found


def run(*command: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    """Run a command to completion; its stdout, or a failure showing both streams."""
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of Framework M's packages, the demo CRM and framework-mx-mongo, built from this tree."""
    out = tmp_path_factory.mktemp("wheels")
    for package in PACKAGES:
        run(uv(), "build", "-q", "--wheel", "--package", package, "--out-dir", out)
    run(uv(), "build", "-q", "--wheel", "--out-dir", out, ROOT / "libs" / "framework-mx-mongo")
    return out


@dataclass(frozen=True)
class Venv:
    path: Path
    wheels: Path

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def install(self, *packages: str) -> None:
        """Install from the local wheels (dependencies from the package index)."""
        run(uv(), "pip", "install", "-q", "-p", self.python, "--find-links", self.wheels, *packages)


def fresh_venv(path: Path, wheels: Path, *packages: str) -> Venv:
    run(uv(), "venv", "-q", "-p", "3.11", path)
    venv = Venv(path, wheels)
    if packages:
        venv.install(*packages)
    return venv
