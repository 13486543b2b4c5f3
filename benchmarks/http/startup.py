"""Start-up costs: cold start to the first ready answer, idle memory, import + ``create_app`` time.

These matter for scale-to-zero and for many small workers, where a process is started often and
mostly waits. All are measured with the server pinned to the same core as under load, for each side
in turn (framework, hand-written, framework, …) so that a host slowing down meanwhile slows both.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from servers import Server, rss_kib


def _import_code(module: str) -> str:
    return f"from {module} import create_app; create_app()"


def _timed_import_code(module: str) -> str:
    return (
        "import time; t0 = time.perf_counter(); "
        f"from {module} import create_app; t1 = time.perf_counter(); "
        "create_app(); t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
    )


@dataclass(frozen=True)
class Boot:
    """One launch: seconds to the first 200 from /ready, and VmRSS (KiB) once settled."""

    ready_s: float
    rss_kib: int


def cold_starts(
    makers: Mapping[str, Callable[[], Server]], runs: int, settle: float
) -> dict[str, list[Boot]]:
    """Per side: launch, wait for /ready, let the process settle idle for ``settle`` s, read its
    RSS, stop — ``runs`` times, the sides taking turns."""
    boots: dict[str, list[Boot]] = {side: [] for side in makers}
    for _ in range(runs):
        for side, make_server in makers.items():
            server = make_server()
            server.launch()
            try:
                ready = server.wait_ready()
                time.sleep(settle)
                boots[side].append(Boot(ready, rss_kib(server.pid)))
            finally:
                server.stop()
    return boots


@dataclass(frozen=True)
class ImportTarget:
    """What one side imports: ``module`` has a ``create_app()``, importable from ``cwd``."""

    module: str
    cwd: str
    env: Mapping[str, str]


@dataclass(frozen=True)
class ImportCost:
    """One run of the import + ``create_app`` measurements, in seconds."""

    top_level_imports: float  # sum of cumulative times of top-level imports under -X importtime
    wall_import: float  # the same work without -X importtime, timed inside the process
    wall_create_app: float


def _top_level(stderr: str) -> dict[str, int]:
    """Cumulative microseconds of each top-level import in ``-X importtime`` output."""
    found: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2]
        if name.startswith(" ") and not name.startswith("  "):
            found[name.strip()] = found.get(name.strip(), 0) + int(parts[1])
    return found


def import_costs(
    core: int, targets: Mapping[str, ImportTarget], runs: int
) -> tuple[dict[str, list[ImportCost]], list[tuple[str, int]]]:
    """``runs`` measurements per side (the sides taking turns), and the slowest top-level imports of
    the first side's last run (name, µs).

    Imports done by the interpreter's own start-up (site, encodings…) are left out: they are the
    top-level imports of ``python -X importtime -c pass``."""
    pinned = ["taskset", "-c", str(core), sys.executable]

    def run(target: ImportTarget, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pinned, *args],
            cwd=target.cwd,
            env=dict(target.env),
            capture_output=True,
            text=True,
            check=True,
        )

    first = next(iter(targets.values()))
    startup = set(_top_level(run(first, "-X", "importtime", "-c", "pass").stderr))
    costs: dict[str, list[ImportCost]] = {side: [] for side in targets}
    slowest: list[tuple[str, int]] = []
    for _ in range(runs):
        for side, target in targets.items():
            code = _import_code(target.module)
            imports = {
                k: v
                for k, v in _top_level(run(target, "-X", "importtime", "-c", code).stderr).items()
                if k not in startup
            }
            timed = run(target, "-c", _timed_import_code(target.module)).stdout.split()
            wall_import, wall_create = (float(x) for x in timed)
            costs[side].append(ImportCost(sum(imports.values()) / 1e6, wall_import, wall_create))
            if target is first:
                slowest = sorted(imports.items(), key=lambda kv: -kv[1])[:8]
    return costs, slowest


def median(values: list[float]) -> float:
    return statistics.median(values)
