"""Rules the identity DocTypes keep whoever writes them (the API, the CLI or an app's code)."""

from __future__ import annotations

import contextlib

from framework_m_core import Controller, NotFound, SystemContext, ValidationError
from framework_m_core.errors import FieldError

from .doctypes import ApiKey, AuthSession, Role, User, UserPassword

SYSTEM = SystemContext("identity")


class UserController(Controller[User]):
    async def validate(self) -> None:
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
            page = await self.kernel.list(
                SYSTEM, doctype, filters=[["user", "=", user]], fields=["id"], limit=1000
            )
            for row in page.items:
                await self.kernel.delete(SYSTEM, doctype, row["id"], hard=True)
