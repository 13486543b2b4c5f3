"""The default permission policy: role rules from ``Meta.permissions``, row-level security and shares.

* Default deny: an action is allowed only by a rule for one of the caller's roles, or by a share.
* The admin role and the SystemContext bypass everything.
* A rule with ``rows="own"`` covers only rows whose ``Meta.rls_field`` (``owner`` unless set) holds the
  caller's user id or one of their teams. Row-level security is a query filter, so adapters apply it in
  their query and never after fetching.
* A share grants its actions on one document to one user, whatever their roles.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from .context import ADMIN_ROLE, CallerContext
from .errors import PermissionDenied
from .meta import ACTIONS, Action, DocTypeMeta
from .query import Condition, Filter, Or
from .types import Record


class RolePermissionPolicy:
    """Implements the Permission port; ``admin_role`` bypasses every check."""

    def __init__(self, admin_role: str = ADMIN_ROLE) -> None:
        self.admin_role = admin_role

    def _bypass(self, ctx: CallerContext) -> bool:
        return ctx.is_system or self.admin_role in ctx.roles

    def _scopes(self, ctx: CallerContext, meta: DocTypeMeta, action: Action) -> set[str]:
        return {
            r.rows for r in meta.options.permissions if r.role in ctx.roles and action in r.actions
        }

    def permitted_actions(self, ctx: CallerContext, meta: DocTypeMeta) -> frozenset[Action]:
        if self._bypass(ctx):
            return frozenset(ACTIONS)
        return frozenset(
            a for r in meta.options.permissions if r.role in ctx.roles for a in r.actions
        )

    def _own(self, ctx: CallerContext, meta: DocTypeMeta) -> Filter:
        values = (ctx.user, *sorted(ctx.teams))
        return Condition(meta.options.rls_field, "in", values)

    def _is_own(self, ctx: CallerContext, meta: DocTypeMeta, record: Record) -> bool:
        value = record.get(meta.options.rls_field)
        return value is not None and (str(value) == ctx.user or str(value) in ctx.teams)

    def check(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        action: Action,
        record: Record | None = None,
        shared: Collection[Action] = (),
    ) -> None:
        if self._bypass(ctx) or action in shared:
            return
        scopes = self._scopes(ctx, meta, action)
        if "all" in scopes:
            return
        if "own" in scopes and (record is None or self._is_own(ctx, meta, record)):
            return
        target = f" {record.get('name')!s}" if record is not None else ""
        raise PermissionDenied(
            f"{ctx.user} may not {action} {meta.name}{target}",
            details={"doctype": meta.name, "action": action},
        )

    def row_filter(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        action: Action,
        shared_ids: Collection[UUID] = (),
    ) -> Filter | None:
        if self._bypass(ctx):
            return None
        scopes = self._scopes(ctx, meta, action)
        if "all" in scopes:
            return None
        shared = Condition("id", "in", tuple(sorted(shared_ids))) if shared_ids else None
        if "own" in scopes:
            own = self._own(ctx, meta)
            return Or((own, shared)) if shared else own
        if shared:
            return shared
        raise PermissionDenied(
            f"{ctx.user} may not {action} {meta.name}",
            details={"doctype": meta.name, "action": action},
        )
