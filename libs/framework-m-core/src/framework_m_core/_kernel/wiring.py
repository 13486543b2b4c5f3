"""What the Kernel's collaborators read from the Kernel: its ports, its bounds, its controller factory.

Each collaborator (access, naming, inserts, writes, reads, lifecycle, sharing, RPC) is handed the Kernel
as this narrow view in its constructor and reads a port at the moment it needs it, never a copy taken at
construction. So replacing a port or bound on a built Kernel (``kernel.repository = spy`` in a test,
``kernel.max_limit = 3``) reaches every operation, exactly as when the Kernel was one class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..context import CallerContext
    from ..controller import Controller
    from ..doctype import DocType
    from ..meta import DocTypeMeta
    from ..ports import Clock, IdGenerator, NamingCounter, Permission, Repository
    from ..registry import MetaRegistry
    from ..types import Record
    from .scope import TransactionScopes


class Wiring(Protocol):
    """The Kernel as its collaborators see it (read-only)."""

    @property
    def registry(self) -> MetaRegistry: ...

    @property
    def repository(self) -> Repository: ...

    @property
    def naming_counter(self) -> NamingCounter: ...

    @property
    def permission(self) -> Permission: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def ids(self) -> IdGenerator: ...

    @property
    def max_limit(self) -> int:
        """The largest page a list may ask for, and the page size of internal full scans."""
        ...

    @property
    def scopes(self) -> TransactionScopes: ...

    def controller(
        self,
        meta: DocTypeMeta,
        doc: DocType,
        ctx: CallerContext,
        stored: Record | None = None,
    ) -> Controller[Any]:
        """The DocType's controller for ``doc``, handed the Kernel itself."""
        ...
