"""New PostgreSQL sessions a framework server opens under concurrent reads: a pool under steady load
should open none.

Run: ``uv run python benchmarks/http/sessions.py [--connections 32] [--duration 10] [--pool-size 20]``
(needs ``wrk``, like ``run.py``). The demo CRM app serves ``GET /api/v1/Customer/{id}`` to wrk on the
other core; sessions are read from ``pg_stat_database`` once the server has stopped (a session's count
is final when it ended), so none is missed. A start-up alone is measured first: the sessions beyond it
are those the load opened.
"""

from __future__ import annotations

import argparse
import time

from load import Load, measure
from project import Project, login, project_directory, scratch_database, seed_customers, sql
from run import ADMIN_URL
from servers import FRAMEWORK_FACTORY, Server, uvicorn_command


def sessions(database: str) -> int:
    time.sleep(1.5)  # the server's processes write their statistics as they end
    _, count = sql(
        ADMIN_URL,
        "SELECT pg_stat_clear_snapshot()",
        f"SELECT sessions FROM pg_stat_database WHERE datname = '{database}'",
    )
    return int(count)


def serve(project: Project, port: int, core: int) -> Server:
    server = Server(
        "framework",
        port,
        uvicorn_command(FRAMEWORK_FACTORY, port, core),
        project.env,
        project.directory,
        project.directory / "framework.log",
    )
    server.launch()
    server.wait_ready()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--duration", type=float, default=10, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before them")
    parser.add_argument("--pool-size", type=int, default=20, help="[database] pool_size")
    parser.add_argument("--customers", type=int, default=2000, help="customers to seed")
    parser.add_argument("--port", type=int, default=18730)
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--load-core", type=int, default=1)
    args = parser.parse_args()
    with scratch_database(ADMIN_URL) as url, project_directory(url) as project:
        database = url.rsplit("/", 1)[1]
        config = project.config.read_text()
        project.config.write_text(
            config.replace("[database]\n", f"[database]\npool_size = {args.pool_size}\n")
        )
        server = serve(project, args.port, args.server_core)
        token = login(args.port)
        ids = seed_customers(args.port, token, args.customers)
        ids_file = project.directory / "ids.txt"
        ids_file.write_text("\n".join(ids) + "\n")
        server.stop()
        before = sessions(database)
        serve(project, args.port, args.server_core).stop()
        start_up = sessions(database) - before
        server = serve(project, args.port, args.server_core)
        load = Load(args.connections, args.duration, args.warmup, args.load_core)
        result = measure(
            load,
            f"http://127.0.0.1:{args.port}/api/v1/Customer",
            ["get", str(ids_file), ""],
            {"Authorization": f"Bearer {token}"},
        )
        server.stop()
        loaded = sessions(database) - before - start_up
        print(
            f"{args.connections} connections, pool_size {args.pool_size}: {result.rps:,.0f} req/s "
            f"({result.requests:,} requests, {result.errors} errors); new sessions: "
            f"{start_up} for a start-up alone, {loaded} for the loaded server "
            f"({loaded - start_up} beyond its start-up)"
        )


if __name__ == "__main__":
    main()
