"""Rules the identity DocTypes keep whoever writes them (the API, the CLI or an app's code)."""

from __future__ import annotations

import contextlib

from framework_m_core import Controller, NotFound, PermissionDenied, ValidationError
from framework_m_core.context import ADMIN_ROLE
from framework_m_core.errors import FieldError

from .doctypes import ApiKey, AuthSession, User, UserPassword
from .queries import SYSTEM, existing_roles, ids_where
from .service import revoke_sessions


class UserController(Controller[User]):
    async def validate(self) -> None:
        self._guard_changes()
        await self._roles_exist()

    def _guard_changes(self) -> None:
        """The email is the user's id (their document name), so it never changes; roles and the
        enabled flag are an Administrator's to change, even for someone granted write on a User."""
        stored = self.previous
        if stored is None:
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
        was_enabled = self.previous is not None and self.previous.enabled
        if was_enabled and not self.doc.enabled:
            await revoke_sessions(self.kernel, self.doc.user_id)

    async def _roles_exist(self) -> None:
        names = sorted(self.doc.role_names())
        if len(names) != len(self.doc.roles):
            raise ValidationError("a role is listed twice", [FieldError(["roles"], "duplicate")])
        if not names:
            return
        have = await existing_roles(self.kernel, names)
        unknown = [n for n in names if n not in have]
        if unknown:
            raise ValidationError(
                f"unknown roles {unknown}; create them first (DocType Role)",
                [FieldError(["roles", n], "no such role") for n in unknown],
            )

    async def after_delete(self) -> None:
        """A deleted user leaves no password, live session or usable key behind."""
        user = self.doc.user_id
        with contextlib.suppress(NotFound):
            await self.kernel.delete(SYSTEM, UserPassword, user, hard=True)
        for doctype in (AuthSession, ApiKey):
            for doc_id in await ids_where(self.kernel, doctype, [["user", "=", user]]):
                await self.kernel.delete(SYSTEM, doctype, doc_id, hard=True)
