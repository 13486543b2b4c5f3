"""``m doctor``: will this project start, and is it set up safely?

Each check is ``ok``, ``warning`` (it runs, but fix this before production) or ``error`` (start-up would
fail or the data is unreachable). Exit code: 0 all ok, 1 warnings only, 2 any error; ``--json`` for
scripts and CI. The storage checks come from the chosen schema manager when it has checks of its own
(``SelfDiagnosing``: the SQL package checks its database and migrations), so this command imports no
adapter.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

from cyclopts import Parameter

from framework_m_core import SystemContext
from framework_m_core.composition import (
    Container,
    Diagnosis,
    SelfDiagnosing,
    Settings,
    load_settings,
    select_adapters,
)
from framework_m_core.context import ADMIN_ROLE
from framework_m_core.errors import FrameworkError
from framework_m_core.ports import SchemaManager
from framework_m_core.registry import MetaRegistry

EXIT = {"ok": 0, "warning": 1, "error": 2}
Check = Diagnosis


def _text(exc: BaseException) -> str:
    message = exc.message if isinstance(exc, FrameworkError) else f"{type(exc).__name__}: {exc}"
    return " ".join(message.split())


async def _storage(container: Container, registry: MetaRegistry) -> Check:
    """Storage whose adapter has no checks of its own: one read through its ports."""
    chosen = next(c for c in container.choices() if c.port == "repository")
    adapters = container.implementations()
    try:
        async with adapters["unit_of_work"].transaction(readonly=True) as tx:
            await adapters["repository"].count(tx, registry.get("DocShare"), None)
    except Exception as exc:
        return Check("database", "error", f"the {chosen.name!r} adapter cannot read: {_text(exc)}")
    return Check("database", "ok", f"reachable through the {chosen.name!r} adapter")


async def _database(settings: Settings, registry: MetaRegistry) -> list[Check]:
    """Reachability and schema, asked of the schema manager start-up would choose (SQL's checks
    its migrations too); then, with storage reachable, the administrators."""
    container = select_adapters(settings)
    try:
        manager = container.get(SchemaManager)
        if not isinstance(manager, SelfDiagnosing):
            return [await _storage(container, registry)]
        checks = await manager.diagnose(settings, registry)
        if any(c.name == "database" and c.status == "error" for c in checks):
            return checks
        return [*checks, await _administrators(settings, registry)]
    finally:
        await container.aclose()


async def _administrators(settings: Settings, registry: MetaRegistry) -> Check:
    """Read-only: the runtime is started with every start-up step disabled, so nothing is created."""
    from framework_m_core.composition import collect_steps, start_runtime

    quiet = settings.model_copy(
        update={"bootstrap_disabled": [s.name for s in collect_steps(settings)]}
    )
    runtime = await start_runtime(quiet, registry=registry)
    try:
        page = await runtime.kernel.list(
            SystemContext("doctor"), "User", fields=["name", "enabled", "roles"], limit=1000
        )
    except FrameworkError as exc:
        return Check("users", "warning", f"users cannot be read yet: {_text(exc)}")
    finally:
        await runtime.aclose()
    admins = [
        row["name"]
        for row in page.items
        if row.get("enabled") and any(r.get("role") == ADMIN_ROLE for r in row.get("roles", []))
    ]
    if not admins:
        return Check(
            "users",
            "warning",
            "no enabled Administrator: m user add <email> --role Administrator",
        )
    return Check("users", "ok", f"{len(admins)} enabled Administrator(s)")


def _security(settings: Settings) -> list[Check]:
    from ..identity import auth_config
    from ..web.config import web_config

    auth, web = auth_config(settings), web_config(settings)
    checks = [
        Check(
            "secret_key",
            "ok" if auth.secret_key else "warning",
            "configured"
            if auth.secret_key
            else "using the generated .framework_m/secret_key; set [auth] secret_key (or "
            "FRAMEWORK_M_AUTH__SECRET_KEY) so every server signs with a key you manage",
        )
    ]
    if web.trust_gateway_headers:
        checks.append(
            Check(
                "gateway_headers",
                "warning",
                "X-User-Id/X-Roles are trusted: make sure only your gateway can reach the server",
            )
        )
    if not auth.cookie_secure:
        checks.append(
            Check(
                "cookies",
                "warning" if not settings.dev_mode else "ok",
                ("dev mode: " if settings.dev_mode else "")
                + "session cookies are sent over plain HTTP; set [auth] cookie_secure = true "
                "behind HTTPS",
            )
        )
    return checks


def diagnose() -> list[Check]:
    """Run every check; a failing step stops only the checks that depend on it."""
    checks: list[Check] = []

    def attempt(name: str, step: Callable[[], Any]) -> Any:
        try:
            return step()
        except Exception as exc:
            checks.append(Check(name, "error", _text(exc)))
            return None

    settings = attempt("configuration", load_settings)
    if settings is None:
        return checks
    where = str(settings.path) if settings.path else "no framework_config.toml (defaults)"
    checks.append(Check("configuration", "ok", where))
    registry = attempt("apps", lambda: MetaRegistry.discover(settings.apps))
    if registry is not None:
        names = ", ".join(a.app.name for a in registry.apps)
        checks.append(Check("apps", "ok", f"{names}; {len(registry.metas())} DocTypes"))
    container = attempt("adapters", lambda: select_adapters(settings))
    if container is not None:
        chosen = ", ".join(f"{c.port}={c.name}" for c in container.choices())
        checks.append(Check("adapters", "ok", chosen))
        asyncio.run(container.aclose())
    security = attempt("security", lambda: _security(settings))
    checks.extend(security or [])
    if registry is not None and container is not None:
        checks.extend(attempt("database", lambda: asyncio.run(_database(settings, registry))) or [])
    return checks


def doctor(*, json_output: Annotated[bool, Parameter(name="--json", negative="")] = False) -> int:
    """Check configuration, database reachability, pending migrations and adapter choices."""
    checks = diagnose()
    worst = max((c.status for c in checks), key=EXIT.__getitem__, default="ok")
    if json_output:
        print(json.dumps({"status": worst, "checks": [asdict(c) for c in checks]}, indent=2))
    else:
        marks = {"ok": "ok  ", "warning": "warn", "error": "FAIL"}
        for c in checks:
            print(f"[{marks[c.status]}] {c.name}: {c.detail}")
        print(f"doctor: {worst}")
    return EXIT[worst]
