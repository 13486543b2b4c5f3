"""Permission: decides what a caller may do, and which rows they may see, without doing I/O."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, runtime_checkable
from uuid import UUID

from ..context import CallerContext
from ..meta import Action, DocTypeMeta
from ..query import Filter
from ..types import Record


@runtime_checkable
class Permission(Protocol):
    """The Kernel loads explicit shares and passes them in; the policy itself stays pure.

    ``check`` raises ``PermissionDenied``. ``row_filter`` returns the condition a row must meet for
    ``action`` (``None`` means every row) and raises ``PermissionDenied`` when no row can qualify.
    """

    def permitted_actions(self, ctx: CallerContext, meta: DocTypeMeta) -> frozenset[Action]:
        """Actions the caller holds on at least some rows of ``meta``."""
        ...

    def check(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        action: Action,
        record: Record | None = None,
        shared: Collection[Action] = (),
    ) -> None: ...

    def row_filter(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        action: Action,
        shared_ids: Collection[UUID] = (),
    ) -> Filter | None: ...
