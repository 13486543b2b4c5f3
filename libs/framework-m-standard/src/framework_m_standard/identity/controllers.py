"""Rules the identity DocTypes keep whoever writes them (the API, the CLI or an app's code)."""

from __future__ import annotations

import contextlib

from framework_m_core import Controller, NotFound, PermissionDenied, SystemContext, ValidationError
from framework_m_core.context import ADMIN_ROLE
from framework_m_core.errors import FieldError

from .doctypes import ApiKey, AuthSession, Role, User, UserPassword
from .service import revoke_sessions

SYSTEM = SystemContext("identity")


class UserController(Controller[User]):
    async def validate(self) -> None:
        await self._guard_changes()
        await self._roles_exist()

    async def _guard_changes(self) -> None:
        """The email is the user's id (their document name), so it never changes; roles and the
        enabled flag are an Administrator's to change, even for someone granted write on a User."""
        try:
            stored: User = await self.kernel.get(SYSTEM, User, self.doc.id)
        except NotFound:
            return  # being created
        if self.doc.email != stored.email:
            raise ValidationError(
                "a user's email cannot change; add a new user instead",
                [FieldError(["email"], "cannot change")],
            )
        privileged = self.ctx.is_system or ADMIN_ROLE in self.ctx.roles
        changed = [
            f
            for f, same in (
                ("roles", self.doc.role_names() == stored.role_names()),
                ("enabled", self.doc.enabled == stored.enabled),
            )
            if not same
        ]
        if changed and not privileged:
            raise PermissionDenied(f"only an Administrator changes a user's {', '.join(changed)}")

    async def after_save(self) -> None:
        """A disabled user keeps no live session or refresh token, whoever disabled them."""
        if not self.doc.enabled:
            await revoke_sessions(self.kernel, self.doc.name or self.doc.email)

    async def _roles_exist(self) -> None:
        names = sorted(self.doc.role_names())
        if len(names) != len(self.doc.roles):
            raise ValidationError("a role is listed twice", [FieldError(["roles"], "duplicate")])
        if not names:
            return
        page = await self.kernel.list(
            SYSTEM, Role, filters=[["role_name", "in", names]], fields=["role_name"], limit=1000
        )
        have = {row["role_name"] for row in page.items}
        unknown = [n for n in names if n not in have]
        if unknown:
            raise ValidationError(
                f"unknown roles {unknown}; create them first (DocType Role)",
                [FieldError(["roles", n], "no such role") for n in unknown],
            )

    async def after_delete(self) -> None:
        """A deleted user leaves no password, live session or usable key behind."""
        user = self.doc.name or self.doc.email
        with contextlib.suppress(NotFound):
            await self.kernel.delete(SYSTEM, UserPassword, user, hard=True)
        for doctype in (AuthSession, ApiKey):
            while True:  # however many there are: each pass deletes a page
                page = await self.kernel.list(
                    SYSTEM,
                    doctype,
                    filters=[["user", "=", user]],
                    fields=["id"],
                    limit=self.kernel.max_limit,
                )
                for row in page.items:
                    await self.kernel.delete(SYSTEM, doctype, row["id"], hard=True)
                if not page.has_more:
                    break
