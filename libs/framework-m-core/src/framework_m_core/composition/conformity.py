"""Check an adapter against its port when it is plugged in, not at the first request that needs it.

``isinstance`` with a runtime-checkable Protocol only asks whether attributes exist. This check reads the
Protocol's own methods and also catches a sync method where the port awaits one (and the reverse) and a
method that cannot accept the arguments the port passes — the mistakes that otherwise surface as a
``TypeError`` deep inside a request.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol

from ..errors import ConfigurationError

_SKIPPED_BASES = (Protocol, object)


def protocol_methods(protocol: type) -> dict[str, Callable[..., Any]]:
    """The public methods ``protocol`` (and the protocols it extends) declares, by name."""
    methods: dict[str, Callable[..., Any]] = {}
    for cls in reversed(protocol.__mro__):
        if cls in _SKIPPED_BASES or not getattr(cls, "_is_protocol", False):
            continue
        for name, member in vars(cls).items():
            if name.startswith("_"):
                continue
            if isinstance(member, staticmethod | classmethod):
                member = member.__func__
            if inspect.isfunction(member):
                methods[name] = member
    return methods


def protocol_attributes(protocol: type) -> list[str]:
    """The public data attributes ``protocol`` declares by annotation (e.g. ``name: str``)."""
    names: list[str] = []
    for cls in reversed(protocol.__mro__):
        if cls in _SKIPPED_BASES or not getattr(cls, "_is_protocol", False):
            continue
        names.extend(n for n in vars(cls).get("__annotations__", {}) if not n.startswith("_"))
    return list(dict.fromkeys(names))


def _is_async(function: object) -> bool:
    """True for coroutine functions and for objects whose ``__call__`` is one."""
    if inspect.iscoroutinefunction(function):
        return True
    if inspect.isroutine(function):
        return False
    return inspect.iscoroutinefunction(inspect.getattr_static(type(function), "__call__", None))


def _accepts(spec: Callable[..., Any], implementation: Callable[..., Any]) -> str | None:
    """``None`` if ``implementation`` binds every argument the port's signature can pass, else why not."""
    try:
        wanted = inspect.signature(spec)
        offered = inspect.signature(implementation)
    except (TypeError, ValueError):
        return None
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for param in list(wanted.parameters.values())[1:]:  # skip ``self``
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            args.append(None)
        elif param.kind is param.KEYWORD_ONLY:
            kwargs[param.name] = None
    try:
        offered.bind(*args, **kwargs)
    except TypeError as exc:
        return str(exc)
    return None


def check_conforms(port_name: str, protocol: type, impl: object, source: str) -> None:
    """Raise ``ConfigurationError`` naming every member of ``protocol`` that ``impl`` lacks, defines with
    the wrong sync/async kind, or defines with a signature that cannot take the port's arguments.

    ``source`` says where ``impl`` came from (distribution, entry point) so the message leads to the fix.
    """
    absent = [a for a in protocol_attributes(protocol) if not hasattr(impl, a)]
    missing: list[str] = []
    problems: list[str] = []
    for name, spec in protocol_methods(protocol).items():
        implementation = getattr(impl, name, None)
        if implementation is None or not callable(implementation):
            missing.append(name)
            continue
        if inspect.iscoroutinefunction(spec) and not _is_async(implementation):
            problems.append(f"{name} must be 'async def'")
        elif not inspect.iscoroutinefunction(spec) and _is_async(implementation):
            problems.append(f"{name} must be a plain 'def', not 'async def'")
        mismatch = _accepts(spec, implementation)
        if mismatch is not None:
            problems.append(f"{name} cannot take the port's arguments ({mismatch})")
    if absent:
        problems.insert(0, f"missing attribute{'s' * (len(absent) > 1)} {', '.join(absent)}")
    if missing:
        problems.insert(0, f"missing method{'s' * (len(missing) > 1)} {', '.join(missing)}")
    if problems:
        raise ConfigurationError(
            f"{source} does not implement the {port_name} port ({protocol.__name__}): "
            + "; ".join(problems),
            details={"port": port_name, "missing": missing + absent, "problems": problems},
        )
