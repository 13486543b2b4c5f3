"""The load generator: wrk pinned to its own core, driven by ``scenarios.lua``.

wrk (C, epoll) keeps a fixed number of connections busy, one request in flight on each, and records
every latency in a histogram; on one core it makes tens of thousands of requests per second, far
above what one Python server process answers, so the figures are the server's (``--ceiling`` in
``run.py`` measures wrk against a trivial endpoint to show that).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "scenarios.lua"


@dataclass(frozen=True)
class Load:
    """How hard and how long: connections held open by wrk, seconds of warm-up and of measuring."""

    connections: int
    duration: float
    warmup: float
    core: int


@dataclass(frozen=True)
class Measured:
    """One wrk run: requests per second and latency percentiles in milliseconds."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx answers, socket errors and timeouts


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    return found


def run_wrk(
    load: Load,
    url: str,
    seconds: float,
    args: list[str],
    headers: dict[str, str],
) -> Measured:
    """One wrk run of ``seconds`` against ``url``; ``args`` go to ``scenarios.lua``'s init."""
    command = [
        *("taskset", "-c", str(load.core), wrk_binary()),
        *("-t", "1", "-c", str(load.connections), "-d", f"{max(1, round(seconds))}s"),
        *("--timeout", "10s", "-s", str(LUA)),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [url, "--", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Measured(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50"] / 1000,
        p99_ms=data["p99"] / 1000,
        requests=data["requests"],
        errors=errors,
    )


def measure(load: Load, url: str, args: list[str], headers: dict[str, str]) -> Measured:
    """A warm-up run (discarded), then the measured run."""
    if load.warmup > 0:
        warm_args = [*args[:2], f"{args[2]}-warm"] if len(args) > 2 else args
        run_wrk(load, url, load.warmup, warm_args, headers)
    return run_wrk(load, url, load.duration, args, headers)
