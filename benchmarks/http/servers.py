"""Server processes of the HTTP benchmark: launched pinned to a core, stopped by their own group.

Each server runs in a new session (its own process group) so that stopping it signals exactly the
processes this run started — never anything found by name.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRAMEWORK_FACTORY = "framework_m_standard.web.app:create_app"
HANDWRITTEN_FACTORY = "handwritten:create_app"


def uvicorn_command(factory: str, port: int, core: int, app_dir: Path | None = None) -> list[str]:
    """One uvicorn worker on ``core``, quiet, with the interpreter running this script."""
    command = ["taskset", "-c", str(core), sys.executable, "-m", "uvicorn", factory, "--factory"]
    if app_dir is not None:
        command += ["--app-dir", str(app_dir)]
    return [
        *command,
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--log-level", "warning", "--no-access-log"),
    ]


def get_status(port: int, path: str, timeout: float = 1.0) -> int | None:
    """The status of ``GET path``, or None when nothing answers yet."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` from /proc/<pid>/status (VmRSS, KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class Server:
    """A server this run launched; ``started`` is taken just before the launch."""

    label: str
    port: int
    command: Sequence[str]
    env: Mapping[str, str]
    cwd: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    ready_after: float | None = field(default=None)

    def launch(self) -> None:
        with self.log.open("ab") as out:
            self.started = time.perf_counter()
            self.process = subprocess.Popen(
                list(self.command),
                cwd=self.cwd,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.label} is not running")
        return self.process.pid

    def wait_ready(self, timeout: float = 60.0, poll: float = 0.005) -> float:
        """Seconds from launch to the first 200 from ``GET /ready``; raises if the server dies."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.label} exited with {self.process.returncode}; see {self.log}"
                )
            if get_status(self.port, "/ready") == 200:
                self.ready_after = time.perf_counter() - self.started
                return self.ready_after
            time.sleep(poll)
        raise RuntimeError(f"{self.label} was not ready within {timeout:.0f} s; see {self.log}")

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to the server's own process group, SIGKILL after ``grace`` seconds."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            process.wait()
