"""Controllers: the business logic of a DocType, run by the Kernel around each operation.

A controller is made per operation with the document (``self.doc``), the caller and the Kernel (for
reads and writes that join the same transaction). Hooks may be plain or ``async`` methods. Any exception
raised by any hook aborts the operation and nothing it wrote is kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from .context import CallerContext
from .doctype import DocType
from .meta import Action

if TYPE_CHECKING:
    from ._kernel.kernel import Kernel

T = TypeVar("T", bound=DocType)
F = TypeVar("F", bound=Callable[..., Any])
HookResult = Awaitable[None] | None

HOOKS: tuple[str, ...] = (
    "validate",
    "before_insert",
    "after_insert",
    "before_save",
    "after_save",
    "before_delete",
    "after_delete",
    "before_submit",
    "on_submit",
    "before_cancel",
    "on_cancel",
)


class Controller(Generic[T]):
    """Subclass with ``Controller[Invoice]`` and override the hooks you need; the defaults do nothing."""

    def __init__(
        self,
        doc: T,
        ctx: CallerContext,
        kernel: Kernel,
        *,
        previous: Callable[[], T] | None = None,
    ) -> None:
        """``previous`` builds the document as stored before this operation; the Kernel passes it
        for updates, submits, cancels and deletes. It is called only when ``self.previous`` is
        first read, so hooks that never look pay nothing. A subclass that overrides ``__init__``
        must accept ``previous`` and hand it on to this one."""
        self.doc = doc
        self.ctx = ctx
        self.kernel = kernel
        self._load_previous = previous
        self._previous_doc: T | None = None

    @property
    def previous(self) -> T | None:
        """The document as stored before this operation (``None`` while it is being created):
        compare it with ``doc`` to see what a save changes. Built on first use."""
        if self._previous_doc is None and self._load_previous is not None:
            self._previous_doc = self._load_previous()
        return self._previous_doc

    def autoname(self) -> str | Awaitable[str | None] | None:
        """Return a name to override ``Meta.naming`` (``None`` keeps the rule)."""
        return None

    def validate(self) -> HookResult:
        return None

    def before_insert(self) -> HookResult:
        return None

    def after_insert(self) -> HookResult:
        return None

    def before_save(self) -> HookResult:
        return None

    def after_save(self) -> HookResult:
        return None

    def before_delete(self) -> HookResult:
        return None

    def after_delete(self) -> HookResult:
        return None

    def before_submit(self) -> HookResult:
        return None

    def on_submit(self) -> HookResult:
        return None

    def before_cancel(self) -> HookResult:
        return None

    def on_cancel(self) -> HookResult:
        return None


@dataclass(frozen=True, slots=True)
class Exposure:
    """How a ``@whitelist`` method or ``@rpc`` function may be called from outside."""

    allow_guest: bool = False
    action: Action = "write"
    roles: frozenset[str] = frozenset()


_EXPOSURE_ATTR = "__framework_m_exposure__"


@overload
def whitelist(fn: F, /) -> F: ...
@overload
def whitelist(
    *, allow_guest: bool = False, action: Action = "write", roles: tuple[str, ...] = ()
) -> Callable[[F], F]: ...


def whitelist(
    fn: F | None = None,
    /,
    *,
    allow_guest: bool = False,
    action: Action = "write",
    roles: tuple[str, ...] = (),
) -> F | Callable[[F], F]:
    """Expose a controller method over RPC. The caller needs ``action`` permission on the document (and,
    when given, one of ``roles``); arguments are validated against the method's annotations."""

    def mark(func: F) -> F:
        setattr(func, _EXPOSURE_ATTR, Exposure(allow_guest, action, frozenset(roles)))
        return func

    return mark(fn) if fn is not None else mark


@overload
def rpc(fn: F, /) -> F: ...
@overload
def rpc(*, allow_guest: bool = False, roles: tuple[str, ...] = ()) -> Callable[[F], F]: ...


def rpc(
    fn: F | None = None, /, *, allow_guest: bool = False, roles: tuple[str, ...] = ()
) -> F | Callable[[F], F]:
    """Expose a module-level function over RPC; apps list such functions in ``App.rpc``.

    Without ``roles`` any signed-in user may call it; ``allow_guest`` opens it to anonymous callers. The
    function receives the caller as its ``ctx`` keyword when it declares one."""

    def mark(func: F) -> F:
        setattr(func, _EXPOSURE_ATTR, Exposure(allow_guest, "read", frozenset(roles)))
        return func

    return mark(fn) if fn is not None else mark


def exposure_of(obj: object) -> Exposure | None:
    """The exposure recorded by ``@whitelist``/``@rpc``, or ``None`` for anything not exposed."""
    found = getattr(obj, _EXPOSURE_ATTR, None)
    return found if isinstance(found, Exposure) else None
