"""``m start`` and ``m routes``: serve the project's API with uvicorn, or list what it would serve."""

from __future__ import annotations

import json
from typing import Annotated

from cyclopts import Parameter

from framework_m_core.errors import ConfigurationError

APP_FACTORY = "framework_m_standard.web.app:create_app"


def start(
    *,
    host: str = "127.0.0.1",
    port: Annotated[int, Parameter(validator=lambda _t, v: _check_port(v))] = 8000,
    workers: int = 1,
    reload: Annotated[bool, Parameter(negative="")] = False,
) -> int:
    """Serve the project found from the current directory (framework_config.toml) over HTTP.

    Parameters
    ----------
    host
        Interface to bind; 127.0.0.1 keeps the server private to this machine.
    port
        TCP port.
    workers
        Server processes (each builds its own app; cannot be combined with --reload).
    reload
        Restart when source files change (development).
    """
    import uvicorn

    from ..web.app import create_app

    if workers < 1:
        raise ConfigurationError("--workers must be at least 1")
    if reload and workers > 1:
        raise ConfigurationError("--reload and --workers cannot be combined; pick one")
    create_app()  # fail here, with one line, on bad configuration or apps — not inside a worker
    print(f"Framework M serving on http://{host}:{port} (API docs at http://{host}:{port}/schema)")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        lifespan="on",
        log_level="info",
        timeout_graceful_shutdown=10,
    )
    return 0


def _check_port(value: int) -> None:
    if not 1 <= value <= 65535:
        raise ValueError("port must be between 1 and 65535")


def routes(*, as_json: Annotated[bool, Parameter(name="--json", negative="")] = False) -> int:
    """List the HTTP routes the project serves: method, path and operation id.

    Parameters
    ----------
    as_json
        Print the routes as JSON (for scripts).
    """
    from ..web.app import create_app

    app = create_app()
    rows = sorted(
        (method, route.path, handler.operation_id if isinstance(handler.operation_id, str) else "")
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        for method in sorted(getattr(handler, "http_methods", ()))
        if method != "OPTIONS"
    )
    if as_json:
        print(
            json.dumps([{"method": m, "path": p, "operation_id": o} for m, p, o in rows], indent=2)
        )
    else:
        width = max((len(p) for _, p, _ in rows), default=0)
        for method, path, operation in rows:
            print(f"{method:<7} {path:<{width}}  {operation}")
    return 0
