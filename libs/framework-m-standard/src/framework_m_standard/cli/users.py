"""``m user`` and ``m apikey``: manage who can sign in, from the project directory.

They start the same runtime as the server (settings, apps, adapters, start-up steps), so they write to
exactly the database the application uses. Secrets are read from a prompt or ``--password-stdin``;
``--password`` exists for throw-away setups and is visible in process lists.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from cyclopts import App, Parameter

from framework_m_core import ValidationError
from framework_m_core.composition import load_settings, start_runtime
from framework_m_core.errors import FieldError

from ..identity import IdentityService, User, api_key_json, auth_config, token_signer
from ..identity.bootstrap import ensure_roles
from ..identity.queries import SYSTEM

T = TypeVar("T")
Json = Annotated[bool, Parameter(name="--json", negative="")]
PasswordStdin = Annotated[
    bool, Parameter(name="--password-stdin", negative="", help="read the password from stdin")
]

user = App(name="user", help="Manage users: add, set-password, add-role, disable, enable, list.")
apikey = App(name="apikey", help="Manage API keys: create, revoke, list.")


@asynccontextmanager
async def _identity() -> AsyncIterator[IdentityService]:
    settings = load_settings()
    config = auth_config(settings)
    runtime = await start_runtime(settings)
    try:
        yield IdentityService(runtime.kernel, config, token_signer(settings, config))
    finally:
        await runtime.aclose()


def _run(work: Callable[[IdentityService], Awaitable[T]]) -> T:
    async def go() -> T:
        async with _identity() as service:
            return await work(service)

    return asyncio.run(go())


def _password(given: str | None, from_stdin: bool, *, required: bool) -> str | None:
    if given is not None and from_stdin:
        raise ValidationError("give --password or --password-stdin, not both")
    if given is not None:
        return given
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise ValidationError("the passwords differ", [FieldError(["password"], "differ")])
        return first
    if required:
        raise ValidationError("no password given: use --password-stdin or run in a terminal")
    return None


def _describe(u: User) -> dict[str, Any]:
    return {
        "user": u.name,
        "full_name": u.full_name,
        "enabled": u.enabled,
        "roles": sorted(u.role_names()),
    }


@user.command
def add(
    email: str,
    /,
    *,
    full_name: str = "",
    role: Annotated[tuple[str, ...], Parameter(help="a role to grant; repeatable")] = (),
    password: str | None = None,
    password_stdin: PasswordStdin = False,
    create_roles: Annotated[
        bool, Parameter(negative="", help="create roles that do not exist yet")
    ] = False,
) -> None:
    """Add a user (prompting for a password in a terminal)."""
    secret = _password(password, password_stdin, required=False)

    async def work(service: IdentityService) -> User:
        if create_roles:
            await ensure_roles(service.kernel, role)
        return await service.add_user(email, full_name=full_name, password=secret, roles=role)

    created = _run(work)
    note = "" if secret is not None else " (no password: set one with m user set-password)"
    print(f"added {created.name} with roles {sorted(created.role_names()) or '[]'}{note}")


@user.command(name="set-password")
def set_password(
    email: str, /, *, password: str | None = None, password_stdin: PasswordStdin = False
) -> None:
    """Set a user's password."""
    secret = _password(password, password_stdin, required=True) or ""
    _run(lambda service: service.set_password(email, secret))
    print(f"password set for {email.strip().lower()}")


@user.command(name="add-role")
def add_role(
    email: str,
    /,
    *roles: str,
    create: Annotated[bool, Parameter(negative="", help="create roles that do not exist")] = False,
) -> None:
    """Grant roles to a user."""
    if not roles:
        raise ValidationError("name at least one role")

    async def work(service: IdentityService) -> User:
        if create:
            await ensure_roles(service.kernel, roles)
        return await service.add_roles(email, roles)

    updated = _run(work)
    print(f"{updated.name} now has roles {sorted(updated.role_names())}")


@user.command
def disable(email: str, /) -> None:
    """Stop a user from signing in; ends their sessions and stops their API keys."""
    updated = _run(lambda service: service.set_enabled(email, False))
    print(f"disabled {updated.name}")


@user.command
def enable(email: str, /) -> None:
    """Let a disabled user sign in again."""
    updated = _run(lambda service: service.set_enabled(email, True))
    print(f"enabled {updated.name}")


@user.command(name="list")
def list_users(*, json_output: Json = False) -> None:
    """List users and their roles."""

    async def work(service: IdentityService) -> list[User]:
        page = await service.kernel.list(
            SYSTEM, User, order_by="email", limit=service.kernel.max_limit
        )
        return list(page.items)

    found = [_describe(u) for u in _run(work)]
    if json_output:
        print(json.dumps(found, indent=2))
        return
    for row in found:
        state = "" if row["enabled"] else "  (disabled)"
        print(f"{row['user']}  {', '.join(row['roles']) or '-'}{state}")


@apikey.command(name="create")
def create_key(
    email: str,
    /,
    *,
    label: str = "",
    expires_in_days: int | None = None,
    json_output: Json = False,
) -> None:
    """Create an API key for a user; the secret is printed once and never stored."""
    issued = _run(
        lambda service: service.create_api_key(email, label=label, expires_in_days=expires_in_days)
    )
    if json_output:
        print(
            json.dumps(
                {**api_key_json(issued.key), "secret": issued.secret, "token": issued.token},
                indent=2,
            )
        )
        return
    print(f"API key for {issued.key.user}: {issued.token}")
    print("Send it as 'Authorization: token <key>:<secret>' or 'X-API-Key: <key>:<secret>'.")
    print("The secret is not stored; keep it now.")


@apikey.command(name="revoke")
def revoke_key(key: str, /) -> None:
    """Revoke an API key by its key id (the part before the colon)."""
    revoked = _run(lambda service: service.revoke_api_key(key.partition(":")[0]))
    print(f"revoked {revoked.key} of {revoked.user}")


@apikey.command(name="list")
def list_keys(email: str | None = None, /, *, json_output: Json = False) -> None:
    """List API keys (all, or one user's); secrets are never shown."""
    keys = [api_key_json(k) for k in _run(lambda service: service.list_api_keys(email))]
    if json_output:
        print(json.dumps(keys, indent=2))
        return
    for k in keys:
        state = "revoked" if k["revoked_at"] else f"expires {k['expires_at'] or 'never'}"
        print(f"{k['key']}  {k['user']}  {k['label'] or '-'}  {state}")
