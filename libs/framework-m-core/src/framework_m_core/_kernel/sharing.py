"""Sharing one document with one user (a ``DocShare`` row), listing and removing such shares.

Sharing needs write access to the document, and a sharer may grant only actions they hold on it
themselves, so a share never widens what the sharer could do. The shares are stored and removed as the
system, once the caller's own rights were checked here.
"""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from ..builtin import DocShare
from ..context import GUEST_USER, CallerContext, SystemContext
from ..errors import FieldError, PermissionDenied, ValidationError
from ..meta import ACTIONS, Action, DocTypeMeta
from .access import Access, document_meta
from .inserts import Inserts
from .reads import Page, Reads
from .share_records import ShareRecords
from .wiring import Wiring
from .writes import Writes


class Sharing:
    """share, shares and unshare, built on the Kernel's own inserts, reads and deletes."""

    def __init__(
        self,
        kernel: Wiring,
        access: Access,
        shares: ShareRecords,
        inserts: Inserts,
        reads: Reads,
        writes: Writes,
    ) -> None:
        self._kernel = kernel
        self._access = access
        self._shares = shares
        self._inserts = inserts
        self._reads = reads
        self._writes = writes

    async def share(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        user: str,
        actions: Collection[Action],
    ) -> DocShare:
        """Grant ``user`` ``actions`` on one document; sharing with oneself or the Guest, or nothing,
        is a ValidationError; granting an action one does not hold, PermissionDenied."""
        bad = set(actions) - set(ACTIONS) - {"create"}
        if bad or not actions:
            raise ValidationError(f"cannot share actions {sorted(bad) or '[]'}")
        user = user.strip() if isinstance(user, str) else user
        if not isinstance(user, str) or not user or user in (ctx.user, GUEST_USER):
            raise ValidationError(
                "share with another signed-in user (not yourself, not Guest)",
                [FieldError(["user"], "not a user one can share with")],
            )
        async with self._kernel.scopes.open() as scope:
            record, _ = await self._access.load_for(scope, ctx, meta, key, "write", None)
            held = (await self._shares.actions(scope.tx, ctx, meta, record["id"])).get(
                record["id"], frozenset()
            )
            beyond = sorted(a for a in actions if not self._access.can(ctx, meta, a, record, held))
            if beyond:
                raise PermissionDenied(
                    f"you cannot share {beyond}: you do not hold them on this {meta.name}",
                    details={"doctype": meta.name, "actions": beyond},
                )
            flags = {
                a: a in actions for a in ("read", "write", "delete", "submit", "cancel", "amend")
            }
            share: DocShare = await self._inserts.create(
                SystemContext("share"),
                self._share_meta(),
                {"share_doctype": meta.name, "document": record["id"], "user": user, **flags},
            )
            return share

    async def shares(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        *,
        limit: int | None,
        offset: int,
    ) -> Page[DocShare]:
        """The shares of one document, oldest first; like sharing, seeing them needs write access."""
        async with self._kernel.scopes.open(readonly=True) as scope:
            record, _ = await self._access.load_for(scope, ctx, meta, key, "write", None)
            page: Page[DocShare] = await self._reads.list(
                SystemContext("shares"),
                self._share_meta(),
                filters=[["share_doctype", "=", meta.name], ["document", "=", record["id"]]],
                order_by=["creation", "id"],
                limit=limit,
                offset=offset,
                fields=None,
                with_total=False,
                records=False,
            )
            return page

    async def unshare(self, ctx: CallerContext, share_id: UUID) -> None:
        """Remove a share; the caller needs write access to the shared document."""
        async with self._kernel.scopes.open() as scope:
            share = await self._reads.get(SystemContext("unshare"), self._share_meta(), share_id)
            meta = document_meta(self._kernel.registry, share.share_doctype)
            await self._access.load_for(scope, ctx, meta, share.document, "write", None)
            await self._writes.delete(
                SystemContext("unshare"), self._share_meta(), share_id, hard=True, version=None
            )

    def _share_meta(self) -> DocTypeMeta:
        return document_meta(self._kernel.registry, DocShare)
