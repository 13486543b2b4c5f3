"""HTTP throughput of the demo CRM app on PostgreSQL next to the same endpoints written by hand.

Run: ``uv run python benchmarks/http/run.py [--duration 10] [--connections 16]`` (needs ``wrk`` and
``taskset``; see ``--help``).

One framework server process (uvicorn, ``create_app``) is pinned to one core and wrk to the other;
the hand-written Litestar + asyncpg app (``handwritten.py``), also one uvicorn process on the same
core, answers the same Customer routes on the same tables. Each scenario runs on both sides in turn
(warm-up, then the measured run), so machine drift hits both alike; framework/hand-written is the
figure to compare across machines. Before the load test it measures what a cold process costs:
launch to the first ``GET /ready``, idle RSS, and import + ``create_app`` time.

Everything is temporary: a uniquely named database (dropped at the end, also on an error, Ctrl-C or
SIGTERM) and a project directory; servers are stopped through their own process groups.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from types import FrameType
from typing import Any, Literal
from urllib.parse import quote

from load import Load, Measured, measure, wrk_binary
from project import Project, login, project_directory, scratch_database, seed_customers, sql
from servers import FRAMEWORK_FACTORY, HANDWRITTEN_FACTORY, HERE, Server, rss_kib, uvicorn_command
from startup import Boot, ImportCost, ImportTarget, cold_starts, import_costs

ADMIN_URL = os.environ.get(
    "FRAMEWORK_M_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
FILTER = quote('[["customer_type","=","Company"]]', safe="")
LIST = f"/api/v1/Customer?limit=20&filters={FILTER}"
TARGETS = {"cold start": 1.0, "idle RSS": 70.0, "import + create_app": 0.400}

LIKE_FOR_LIKE = """\
How the hand-written side is kept like-for-like (handwritten.py):
  - same uvicorn, same flags, one process on the same core; the same access token, verified per
    request with pyjwt (HS256, issuer, audience, required claims) as the framework does;
  - the same JSON bodies (all 15 columns, decimals as text, UTC times); a typed request body that
    Litestar/msgspec validates while decoding (the framework validates with pydantic in the Kernel);
  - the same SQL work: get = one SELECT by id; list = 21 rows (the has_more probe) with
    ORDER BY modified DESC, id, plus count(*) when with_total; create = INSERT of the row and an
    fm_outbox event in one transaction, then the event marked published in a second one; update =
    UPDATE ... SET version = version + 1 (checked against the sent version, if any) RETURNING the
    row, an fm_outbox event in the same transaction, then the event marked published;
  - the same pool, asyncpg's, of the same capacity (1..30 there; the framework's pool_size 10 +
    max_overflow 20), both giving connections back without a reset query;
  - reads without BEGIN/COMMIT on both sides.
What only the framework does (its cost is in its figures): the authentication middleware's strategy
chain, the Kernel's permission checks, controller hooks and pydantic validation of the document on
every read and write, the read of the document before an update (to merge, validate and diff it),
the conversions of each value to and from the driver, and the problem+json, OpenAPI-documented route
layer."""


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    path: str
    mode: Literal["get", "update", "create", "plain"]
    target: float | None

    @property
    def writes(self) -> bool:
        return self.mode in ("create", "update")


SCENARIOS = (
    Scenario("health", "`GET /health` (no auth, no database)", "/health", "plain", None),
    Scenario("get", "get by id `GET /api/v1/Customer/{id}`", "/api/v1/Customer", "get", 0.6),
    Scenario(
        "list",
        "list 20, 1 filter, `with_total=false`",
        f"{LIST}&with_total=false",
        "plain",
        0.6,
    ),
    Scenario("list_total", "list 20, 1 filter, with total (default)", LIST, "plain", None),
    Scenario("create", "create `POST /api/v1/Customer`", "/api/v1/Customer", "create", 0.4),
    Scenario("update", "update `PATCH /api/v1/Customer/{id}`", "/api/v1/Customer", "update", 0.4),
)
SIDES = ("framework", "hand-written")


class Interrupted(BaseException):
    """SIGTERM, turned into an exception so every ``finally`` (servers, database) runs."""


def on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


# ------------------------------------------------------------------ servers


def framework_server(project: Project, port: int, core: int) -> Server:
    return Server(
        "framework",
        port,
        uvicorn_command(FRAMEWORK_FACTORY, port, core),
        project.env,
        project.directory,
        project.directory / "framework.log",
    )


def handwritten_server(project: Project, port: int, core: int) -> Server:
    return Server(
        "hand-written",
        port,
        uvicorn_command(HANDWRITTEN_FACTORY, port, core, app_dir=HERE),
        {
            "HANDWRITTEN_DATABASE_URL": project.database_url,
            "HANDWRITTEN_JWT_SECRET": project.secret,
        },
        project.directory,
        project.directory / "handwritten.log",
    )


def started(stack: ExitStack, server: Server) -> Server:
    server.launch()
    stack.callback(server.stop)
    server.wait_ready()
    return server


# ------------------------------------------------------------------ the run


def environment(database_url: str) -> list[str]:
    (server_version,) = sql(database_url, "SHOW server_version")
    packages = ("litestar", "uvicorn", "asyncpg", "sqlalchemy", "pydantic", "msgspec", "pyjwt")
    return [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.machine()}, load average {os.getloadavg()[0]:.2f} at start",
        f"PostgreSQL {server_version}, CPython {platform.python_version()}, "
        + ", ".join(f"{p} {version(p)}" for p in packages),
        f"wrk: {wrk_binary()}",
    ]


def restore(database_url: str) -> None:
    """Undo what a writing scenario did to the table's size: without this, each round's creates
    (thousands of rows) and updates (dead tuples) would slow the next round's count(*) and lists."""
    sql(
        database_url,
        "DELETE FROM customer WHERE name LIKE 'bench-%'",
        "VACUUM ANALYZE customer",
        "VACUUM ANALYZE fm_outbox",
    )


def run_scenarios(
    args: argparse.Namespace, servers: dict[str, Server], ids_file: Path, database_url: str
) -> dict[tuple[str, str], list[Measured]]:
    load = Load(args.connections, args.duration, args.warmup, args.load_core)
    results: dict[tuple[str, str], list[Measured]] = {}
    run_tag = secrets.token_hex(3)
    for round_no in range(args.rounds):
        # Alternate who goes first each round, so neither side always meets a warmer database.
        order = SIDES if round_no % 2 == 0 else SIDES[::-1]
        for scenario in SCENARIOS:
            token = login(servers["framework"].port)
            for side in order:
                server = servers[side]
                tag = f"bench-{run_tag}-{side}-{round_no}"
                lua_args = [scenario.mode, str(ids_file) if scenario.mode != "plain" else "", tag]
                headers = {} if scenario.key == "health" else {"Authorization": f"Bearer {token}"}
                url = f"http://127.0.0.1:{server.port}{scenario.path}"
                result = measure(load, url, lua_args, headers)
                results.setdefault((scenario.key, side), []).append(result)
                print(
                    f"  round {round_no + 1} {scenario.key:<10} {side:<12} "
                    f"{result.rps:>8,.0f} req/s "
                    f"p50 {result.p50_ms:6.2f} ms p99 {result.p99_ms:6.2f} ms"
                    + (f"  errors {result.errors}" if result.errors else ""),
                    flush=True,
                )
                if scenario.writes:
                    restore(database_url)
    return results


def typical(runs: list[Measured]) -> Measured:
    """The run with the median throughput (the only run when there is one round)."""
    return sorted(runs, key=lambda m: m.rps)[(len(runs) - 1) // 2]


def ratios(fw: list[Measured], hw: list[Measured]) -> list[float]:
    """framework/hand-written per round: the two runs of a round are adjacent in time, so their
    ratio cancels most of a shared machine's drift."""
    return sorted(f.rps / h.rps for f, h in zip(fw, hw, strict=True))


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def throughput_table(results: dict[tuple[str, str], list[Measured]]) -> list[str]:
    rows = [
        "| scenario | framework req/s | p50 / p99 ms | hand-written req/s | p50 / p99 ms "
        "| framework / hand-written (min-max of rounds) | target | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    errors = []
    for scenario in SCENARIOS:
        fw_runs, hw_runs = (results[scenario.key, side] for side in SIDES)
        fw, hw = typical(fw_runs), typical(hw_runs)
        per_round = ratios(fw_runs, hw_runs)
        ratio = statistics.median(per_round)
        spread = f" ({per_round[0]:.2f}-{per_round[-1]:.2f})" if len(per_round) > 1 else ""
        target = f">= {scenario.target:.1f}" if scenario.target is not None else ""
        verdict = met(ratio >= scenario.target) if scenario.target is not None else ""
        rows.append(
            f"| {scenario.label} | {fw.rps:,.0f} | {fw.p50_ms:.1f} / {fw.p99_ms:.1f} "
            f"| {hw.rps:,.0f} | {hw.p50_ms:.1f} / {hw.p99_ms:.1f} "
            f"| {ratio:.2f}x{spread} | {target} | {verdict} |"
        )
        for side, runs in zip(SIDES, (fw_runs, hw_runs), strict=True):
            failed, sent = sum(m.errors for m in runs), sum(m.requests for m in runs)
            if failed:
                errors.append(
                    f"{scenario.key} ({side}): {failed} of {sent} requests failed "
                    f"({failed / sent:.2%}) over all rounds"
                )
    return rows + ([""] + [f"- errors: {e}" for e in errors] if errors else [])


def startup_table(boots: dict[str, list[Boot]], imports: dict[str, list[ImportCost]]) -> list[str]:
    def spread(values: list[float], unit: str, scale: float, digits: int = 0) -> str:
        mid = statistics.median(values) * scale
        return (
            f"{mid:.{digits}f} {unit} ({min(values) * scale:.{digits}f}-"
            f"{max(values) * scale:.{digits}f})"
        )

    def row(
        label: str,
        values: dict[str, list[float]],
        unit: str,
        scale: float,
        digits: int,
        target: float,
        shown: str,
    ) -> str:
        fw, hw = values["framework"], values["hand-written"]
        ratio = statistics.median(fw) / statistics.median(hw)
        return (
            f"| {label} | {spread(fw, unit, scale, digits)} | {spread(hw, unit, scale, digits)} "
            f"| {ratio:.2f}x | {shown} | {met(statistics.median(fw) < target)} |"
        )

    def per_side(
        measure: Callable[[Any], float], found: Mapping[str, Sequence[Any]]
    ) -> dict[str, list[float]]:
        return {side: [measure(item) for item in items] for side, items in found.items()}

    return [
        "| measure (median of runs, min-max) | framework | hand-written | framework / "
        "hand-written | target | met |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        row(
            "cold start: launch to first 200 from `GET /ready`",
            per_side(lambda b: b.ready_s, boots),
            "ms",
            1000,
            0,
            TARGETS["cold start"],
            "< 1000 ms",
        ),
        row(
            "idle RSS after start-up (VmRSS)",
            per_side(lambda b: b.rss_kib / 1024, boots),
            "MB",
            1,
            1,
            TARGETS["idle RSS"],
            "< 70 MB",
        ),
        row(
            "`-X importtime`: sum of cumulative times of the top-level imports",
            per_side(lambda c: c.top_level_imports, imports),
            "ms",
            1000,
            0,
            TARGETS["import + create_app"],
            "< 400 ms",
        ),
        row(
            "wall time of import + `create_app()` in-process (no `-X importtime`)",
            per_side(lambda c: c.wall_import + c.wall_create_app, imports),
            "ms",
            1000,
            0,
            TARGETS["import + create_app"],
            "< 400 ms",
        ),
        f"| ... of which `create_app()` "
        f"| {spread([c.wall_create_app for c in imports['framework']], 'ms', 1000)} "
        f"| {spread([c.wall_create_app for c in imports['hand-written']], 'ms', 1000)} "
        "| | | |",
    ]


def compile_bytecode() -> None:
    """Compile every module both servers import, as an installation does (pip and ``uv
    --compile-bytecode`` write .pyc files). Without them — e.g. under PYTHONDONTWRITEBYTECODE=1 — every
    launch compiles its sources again and the start-up figures measure the compiler."""
    paths = [*sys.path[1:], str(HERE), *(str(p) for p in HERE.parents[1].glob("*/*/src"))]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *(p for p in paths if Path(p).is_dir())],
        check=False,
        capture_output=True,
    )


def run(args: argparse.Namespace) -> None:
    os.sched_setaffinity(0, {args.load_core})  # this driver shares wrk's core, never the server's
    fw_port, hw_port = args.port, args.port + 1
    compile_bytecode()
    with ExitStack() as stack:
        database_url = stack.enter_context(scratch_database(args.url))
        project = stack.enter_context(project_directory(database_url))
        for line in environment(database_url):
            print(line, flush=True)

        print(f"\ncold starts: {args.cold_starts} launches per side", flush=True)
        boots = cold_starts(
            {
                "framework": lambda: framework_server(project, fw_port, args.server_core),
                "hand-written": lambda: handwritten_server(project, hw_port, args.server_core),
            },
            args.cold_starts,
            1.0,
        )
        hand_written = handwritten_server(project, hw_port, args.server_core)
        imports, slowest = import_costs(
            args.server_core,
            {
                "framework": ImportTarget(
                    "framework_m_standard.web.app",
                    str(project.directory),
                    {**os.environ, **project.env},
                ),
                "hand-written": ImportTarget(
                    "handwritten", str(HERE), {**os.environ, **hand_written.env}
                ),
            },
            args.cold_starts,
        )
        if args.startup_only:
            print("\n## Start-up\n")
            print("\n".join(startup_table(boots, imports)))
            return

        servers = {
            "framework": started(stack, framework_server(project, fw_port, args.server_core)),
            "hand-written": started(stack, handwritten_server(project, hw_port, args.server_core)),
        }
        began = time.perf_counter()
        ids = seed_customers(fw_port, login(fw_port), args.customers)
        took = time.perf_counter() - began
        sql(database_url, "VACUUM ANALYZE", "CHECKPOINT")
        ids_file = project.directory / "customer_ids.txt"
        ids_file.write_text("\n".join(ids) + "\n")
        print(
            f"seeded {len(ids):,} customers through POST /api/v1/Customer/bulk in {took:.1f} s "
            f"({len(ids) / took:,.0f}/s)\n\n{args.connections} connections, {args.warmup:g} s "
            f"warm-up + {args.duration:g} s per scenario and side, {args.rounds} round(s)",
            flush=True,
        )
        results = run_scenarios(args, servers, ids_file, database_url)
        after = {side: rss_kib(s.pid) / 1024 for side, s in servers.items()}

    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    print("\n## Throughput\n")
    print("\n".join(throughput_table(results)))
    print("\n## Start-up\n")
    print("\n".join(startup_table(boots, imports)))
    print(
        "\nRSS after the load test: "
        + ", ".join(f"{side} {mb:.1f} MB" for side, mb in after.items())
        + "\nslowest top-level imports (last run, cumulative): "
        + ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in slowest)
    )
    print(f"\n{LIKE_FOR_LIKE}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=10, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2, help="discarded seconds before each")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs per scenario and side (the median is shown)"
    )
    parser.add_argument("--customers", type=int, default=10_000, help="customers to seed")
    parser.add_argument("--cold-starts", type=int, default=5, help="launches for start-up figures")
    parser.add_argument(
        "--startup-only", action="store_true", help="measure start-up only (no load test)"
    )
    parser.add_argument("--server-core", type=int, default=0, help="core of the server processes")
    parser.add_argument("--load-core", type=int, default=1, help="core of wrk and this script")
    parser.add_argument("--port", type=int, default=18720, help="framework port; +1 hand-written")
    parser.add_argument(
        "--url", default=ADMIN_URL, help="PostgreSQL admin URL (creates/drops the db)"
    )
    args = parser.parse_args(argv)
    args.url = args.url.replace("postgresql+asyncpg://", "postgresql://")
    if args.server_core == args.load_core:
        parser.error("--server-core and --load-core must differ")
    print(" ".join(["benchmarks/http/run.py", *sys.argv[1:]]), flush=True)
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        run(args)
    except (KeyboardInterrupt, Interrupted):
        sys.exit("interrupted")


if __name__ == "__main__":
    main()
