"""The demo CRM served by ``scripts/demo.py`` in a temporary project: a real server process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from framework_m_standard.web.testing import ServerProcess, free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-password"


@dataclass
class Demo:
    base: str
    project: Path
    env: dict[str, str]

    def m(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(Path(sys.executable).with_name("m")), *args],
            cwd=self.project,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def token(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        response = httpx.post(
            f"{self.base}/api/v1/auth/login",
            json={"email": email, "password": password},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@contextmanager
def serve_demo(directory: Path) -> Iterator[Demo]:
    """``scripts/demo.py`` with its project in ``directory``, on a free port, stopped afterwards."""
    project = directory / "project"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "FRAMEWORK_M_CONFIG"}
    command = [
        sys.executable,
        str(ROOT / "scripts" / "demo.py"),
        "--project",
        str(project),
        "--port",
        str(port),
    ]
    with ServerProcess(command, cwd=directory, port=port, env=env, timeout=60) as server:
        yield Demo(
            server.base,
            project,
            {**env, "FRAMEWORK_M_CONFIG": str(project / "framework_config.toml")},
        )


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with serve_demo(tmp_path_factory.mktemp("demo")) as running:
        yield running
