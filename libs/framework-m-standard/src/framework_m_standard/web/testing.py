"""A real server process for end-to-end tests: started, awaited until ready, stopped by its own PID.

Standard library only, so nothing here adds a runtime dependency.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType


def uvicorn_command(port: int) -> list[str]:
    """Serve the project of ``FRAMEWORK_M_CONFIG`` (or the working directory) the way ``m start``
    does, quietly, with this interpreter."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "framework_m_standard.web.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """``with ServerProcess(cmd, cwd=…, port=…) as server:`` — ``server.base`` is the URL.

    The process runs in a session of its own and is stopped with SIGTERM to that process group only;
    its output goes to ``log`` (read it when a test fails)."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        cwd: Path,
        port: int,
        env: Mapping[str, str] | None = None,
        ready_path: str = "/ready",
        timeout: float = 30,
    ) -> None:
        self.command, self.cwd, self.port = list(command), cwd, port
        self.env = dict(os.environ if env is None else env)
        self.ready_path, self.timeout = ready_path, timeout
        self.base = f"http://127.0.0.1:{port}"
        self.log = cwd / f"server-{port}.log"
        self.status: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def __enter__(self) -> ServerProcess:
        with self.log.open("wb") as out:
            self._proc = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.timeout
        while not self._ready():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not become ready:\n{self.output()}")
            time.sleep(0.1)
        return self

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + self.ready_path, timeout=1) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> int:
        """SIGTERM the server's process group and wait; returns its exit status."""
        if self._proc is not None and self.status is None:
            if self._proc.poll() is None:
                os.killpg(self._proc.pid, signal.SIGTERM)
            self.status = self._proc.wait(timeout=20)
        return self.status if self.status is not None else 0

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
