"""``m start`` serves the project from its framework_config.toml; ``m routes`` lists what it serves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from framework_m_core.testing.projects import install_app
from framework_m_standard.web.testing import ServerProcess, free_port

M = Path(sys.executable).with_name("m")
APP = """
from framework_m import App, DocType


class Note(DocType):
    text: str = ""

    class Meta:
        api_resource = True
        permissions = {"Writer": ["read", "create"]}


app = App(name="notes", doctypes=[Note])
"""


@pytest.fixture
def project(tmp_path: Path) -> dict[str, str]:
    """A project directory with one installed app (a real dist-info entry point) on SQLite."""
    install_app(tmp_path, "notes_app", APP, app_name="notes")
    (tmp_path / "framework_config.toml").write_text(
        'apps = ["notes"]\n[web]\ntrust_gateway_headers = true\n'
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
    return {**clean, "PYTHONPATH": str(tmp_path)}


def test_routes_lists_the_doctype_routes(project: dict[str, str], tmp_path: Path) -> None:
    done = subprocess.run(
        [str(M), "routes", "--json"],
        cwd=tmp_path,
        env=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    routes = {(r["method"], r["path"]): r["operation_id"] for r in json.loads(done.stdout)}
    assert routes[("POST", "/api/v1/Note")] == "create_Note"
    assert routes[("GET", "/health")] == "health"


def test_start_serves_the_project_until_stopped(project: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    with ServerProcess(
        [str(M), "start", "--port", str(port)], cwd=tmp_path, port=port, env=project
    ) as server:
        made = httpx.post(
            f"{server.base}/api/v1/Note",
            json={"text": "hi"},
            headers={"X-User-Id": "w", "X-Roles": "Writer"},
            timeout=10,
        )
        assert made.status_code == 201, made.text
        assert (tmp_path / "framework_m.sqlite3").is_file()
    # uvicorn shuts down gracefully, then re-raises the signal: exit status 0 or -SIGTERM.
    assert server.status in (0, -signal.SIGTERM)
    assert "serving on http://127.0.0.1" in server.output()
    assert "Application shutdown complete" in server.output()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["start", "--reload", "--workers", "2"], 1, "cannot be combined"),
        (["start", "--port", "70000"], 2, "port must be between"),
    ],
)
def test_start_refuses_bad_options_in_one_line(
    project: dict[str, str], tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    done = subprocess.run(
        [str(M), *args],
        cwd=tmp_path,
        env=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == code
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
