"""``m start`` serves the project from its framework_config.toml; ``m routes`` lists what it serves."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

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
    (tmp_path / "notes_app.py").write_text(APP)
    info = tmp_path / "notes_app-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: notes-app\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[framework_m.apps]\nnotes = notes_app:app\n")
    (tmp_path / "framework_config.toml").write_text(
        'apps = ["notes"]\n[web]\ntrust_gateway_headers = true\n'
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
    return {**clean, "PYTHONPATH": str(tmp_path)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(M), "start", "--port", str(port)],
        cwd=tmp_path,
        env=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "m start did not become ready"
            time.sleep(0.1)
        made = httpx.post(
            f"{base}/api/v1/Note",
            json={"text": "hi"},
            headers={"X-User-Id": "w", "X-Roles": "Writer"},
            timeout=10,
        )
        assert made.status_code == 201, made.text
        assert (tmp_path / "framework_m.sqlite3").is_file()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal: exit status 0 or -SIGTERM.
        status = proc.wait(timeout=20)
        log.close()
    output = (tmp_path / "server.log").read_text()
    assert status in (0, -signal.SIGTERM)
    assert "serving on http://127.0.0.1" in output
    assert "Application shutdown complete" in output


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
