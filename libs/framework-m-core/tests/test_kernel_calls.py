"""Calls into the kernel from outside: a controller's whitelisted methods (and only those) and RPC
functions, each with its roles, guest access and validated arguments.

The tasks app and its callers are in tasks_app.py; this module adds its own RPC functions to it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from framework_m_core import (
    CallerContext,
    Kernel,
    NotFound,
    PermissionDenied,
    ValidationError,
    in_memory_kernel,
    rpc,
)

from .tasks_app import Task, ann, app, ben, lea


@rpc
def ping(ctx: CallerContext, word: str) -> str:
    return f"{word} from {ctx.user}"


@rpc(allow_guest=True)
def public_time() -> str:
    return "noon"


@rpc(roles=("Lead",))
async def leads_only() -> int:
    return 1


@pytest.fixture
async def kernel() -> Kernel:
    """The tasks app with this module's RPC functions, which are addressed by this module's name."""
    return await in_memory_kernel([replace(app, rpc=[ping, public_time, leads_only])])


@pytest.mark.anyio
async def test_whitelisted_methods_only(kernel: Kernel) -> None:
    task = await kernel.create(ann, Task, {"subject": "s", "team": "red"})
    assert (
        await kernel.call(ann, Task, task.id, "describe", {"prefix": "p", "times": 2}) == "p:sp:s"
    )
    for method in ("not_exposed", "_maybe", "__init__", "missing", "validate"):
        with pytest.raises(NotFound):
            await kernel.call(ann, Task, task.id, method)
    with pytest.raises(ValidationError):
        await kernel.call(ann, Task, task.id, "describe", {"prefix": "p", "times": "many"})
    with pytest.raises(ValidationError):
        await kernel.call(ann, Task, task.id, "describe", {})
    with pytest.raises(PermissionDenied):
        await kernel.call(ann, Task, task.id, "escalate")
    assert await kernel.call(lea, Task, task.id, "escalate") == "escalated"
    with pytest.raises(NotFound):
        await kernel.call(ben, Task, task.id, "describe", {"prefix": "p"})


@pytest.mark.anyio
async def test_rpc_functions(kernel: Kernel) -> None:
    module = __name__
    assert await kernel.call_rpc(ann, f"{module}.ping", {"word": "hi"}) == "hi from ann"
    with pytest.raises(NotFound):
        await kernel.call_rpc(ann, "os.system", {"command": "true"})
    with pytest.raises(PermissionDenied):
        await kernel.call_rpc(CallerContext.guest(), f"{module}.ping", {"word": "hi"})
    assert await kernel.call_rpc(CallerContext.guest(), f"{module}.public_time") == "noon"
    with pytest.raises(PermissionDenied):
        await kernel.call_rpc(ann, f"{module}.leads_only")
    assert await kernel.call_rpc(lea, f"{module}.leads_only") == 1
    with pytest.raises(ValidationError):
        await kernel.call_rpc(ann, f"{module}.ping", {"word": ["not", "text"]})
