"""Remote calls: ``@whitelist`` controller methods on one document and ``@rpc`` functions of apps.

Only what an app exposed can be called; anything else is NotFound (never imported, never looked up by
attribute beyond the controller class). Arguments are validated against the callee's annotations, so bad
input is a ValidationError rather than whatever the function would raise.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from pydantic import ValidationError as PydanticValidationError
from pydantic import validate_call

from ..context import CallerContext
from ..controller import exposure_of
from ..errors import NotFound, PermissionDenied, ValidationError
from ..meta import DocTypeMeta
from .access import Access
from .hooks import run
from .records import from_record, validation_error
from .wiring import Wiring


def check_exposure(ctx: CallerContext, allow_guest: bool, roles: frozenset[str], what: str) -> None:
    """PermissionDenied unless the caller may call ``what``: the system always may, the Guest only
    when ``allow_guest``, and anyone else when holding one of ``roles`` (or ``roles`` is empty)."""
    if ctx.is_system:
        return
    if ctx.is_guest and not allow_guest:
        raise PermissionDenied(f"sign in to call {what}")
    if roles and not roles & ctx.roles:
        raise PermissionDenied(f"{ctx.user} may not call {what}")


async def invoke(fn: Any, args: Mapping[str, Any] | None, what: str) -> Any:
    """Call ``fn`` with ``args`` checked against its signature; bad arguments are ValidationError."""
    try:
        checked = validate_call(fn)
        return await run(checked(**dict(args or {})))
    except PydanticValidationError as exc:
        raise validation_error(exc, what) from None
    except TypeError as exc:
        raise ValidationError(f"bad arguments for {what}: {exc}") from None


class Rpc:
    """Runs exposed methods and functions inside a Kernel operation (their Kernel calls join it)."""

    def __init__(self, kernel: Wiring, access: Access) -> None:
        self._kernel = kernel
        self._access = access

    async def call(
        self,
        ctx: CallerContext,
        meta: DocTypeMeta,
        key: UUID | str,
        method: str,
        args: Mapping[str, Any] | None,
    ) -> Any:
        """Call a ``@whitelist`` controller method on a document; anything else is NotFound. The
        caller needs the action the method declares on the document."""
        kernel = self._kernel
        controller_cls = kernel.registry.controller(meta.name)
        target = getattr(controller_cls, method, None) if not method.startswith("_") else None
        exposure = exposure_of(target)
        if target is None or exposure is None:
            raise NotFound(f"{meta.name} has no callable method {method!r}")
        check_exposure(ctx, exposure.allow_guest, exposure.roles, f"{meta.name}.{method}")
        async with kernel.scopes.open() as scope:
            record, _ = await self._access.load_for(scope, ctx, meta, key, exposure.action, None)
            controller = kernel.controller(meta, from_record(meta, record), ctx)
            return await invoke(getattr(controller, method), args, f"{meta.name}.{method}")

    async def call_rpc(
        self, ctx: CallerContext, dotted_path: str, args: Mapping[str, Any] | None
    ) -> Any:
        """Call an ``@rpc`` function an app registered; unknown paths are NotFound, never imported.
        The function receives the caller as ``ctx`` when it declares that parameter."""
        fn = self._kernel.registry.rpc_function(dotted_path)
        exposure = exposure_of(fn)
        if fn is None or exposure is None:
            raise NotFound(f"no RPC function {dotted_path!r}")
        check_exposure(ctx, exposure.allow_guest, exposure.roles, dotted_path)
        call_args = dict(args or {})
        if "ctx" in inspect.signature(fn).parameters:
            call_args["ctx"] = ctx
        async with self._kernel.scopes.open():
            return await invoke(fn, call_args, dotted_path)
