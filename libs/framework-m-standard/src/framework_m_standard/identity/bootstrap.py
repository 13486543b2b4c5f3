"""Start-up step ``identity_roles``: a Role document for every role the installed DocTypes name.

Users can then be given exactly the roles the permissions talk about, and the User DocType's check that
roles exist never rejects a role an app declared.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from framework_m_core import DuplicateName, Kernel, SystemContext
from framework_m_core.context import ADMIN_ROLE

from .doctypes import Role
from .queries import existing_roles


async def ensure_roles(kernel: Kernel, names: Iterable[str]) -> list[str]:
    """Create the Role documents that are missing; returns the names created. Safe when several
    processes start at once: a role another one just created counts as present."""
    wanted = set(names)
    if not wanted:
        return []
    system = SystemContext("identity roles")
    missing = sorted(wanted - await existing_roles(kernel, wanted))
    created = []
    for name in missing:
        try:
            await kernel.create(system, Role, {"role_name": name})
        except DuplicateName:
            continue
        created.append(name)
    return created


class EnsureRoles:
    name = "identity_roles"
    order = 150  # after the schema exists

    async def run(self, runtime: Any) -> None:
        if Role.__name__ not in runtime.registry:
            return  # a runtime composed without the identity app (tests, tools)
        wanted = {ADMIN_ROLE}
        for meta in runtime.registry.metas():
            wanted.update(rule.role for rule in meta.options.permissions)
        await ensure_roles(runtime.kernel, wanted)
