"""Who is asking: every Kernel call carries a ``CallerContext``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ADMIN_ROLE = "Administrator"
GUEST_USER = "Guest"


@dataclass(frozen=True, slots=True)
class CallerContext:
    """A user acting through an interface.

    ``teams`` are the values that row-level security accepts besides the user id (a document whose
    ``rls_field`` holds one of them is the caller's). ``tenant`` is ``None`` in single-tenant mode.
    """

    user: str
    roles: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    tenant: str | None = None
    locale: str | None = None
    request_id: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    is_system: bool = False

    @classmethod
    def for_user(
        cls, user: str, *roles: str, teams: frozenset[str] = frozenset(), tenant: str | None = None
    ) -> CallerContext:
        return cls(user=user, roles=frozenset(roles), teams=teams, tenant=tenant)

    @classmethod
    def guest(cls) -> CallerContext:
        return cls(user=GUEST_USER, roles=frozenset({"Guest"}))

    @property
    def is_guest(self) -> bool:
        return self.user == GUEST_USER


def SystemContext(reason: str = "system", *, tenant: str | None = None) -> CallerContext:
    """The explicit context for jobs and migrations: bypasses permissions, recorded as user ``system``."""
    return CallerContext(
        user="system",
        roles=frozenset({ADMIN_ROLE}),
        tenant=tenant,
        attributes={"reason": reason},
        is_system=True,
    )
