"""Kernel access rules: default deny and the administrator's bypass, role permissions, row-level
security by team, and shares (what they grant, what a sharer may pass on, shares beyond one page).

The tasks app and its callers are in tasks_app.py; ``kernel`` (conftest.py) serves it from memory.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from framework_m_core import (
    Kernel,
    NotFound,
    PermissionDenied,
    SystemContext,
    ValidationError,
    in_memory_kernel,
)

from .tasks_app import Task, admin, ann, app, ben, lea, nobody, vic


@pytest.mark.anyio
async def test_default_deny_and_admin_bypass(kernel: Kernel) -> None:
    with pytest.raises(PermissionDenied):
        await kernel.create(nobody, Task, {"subject": "x"})
    with pytest.raises(PermissionDenied):
        await kernel.list(nobody, Task)
    task = await kernel.create(admin, Task, {"subject": "x"})
    assert task.owner == "root"
    assert kernel.permitted_actions(admin, Task) >= {"read", "delete", "amend"}
    assert kernel.permitted_actions(vic, Task) == {"read"}


@pytest.mark.anyio
async def test_rls_by_team_field(kernel: Kernel) -> None:
    red = await kernel.create(ann, Task, {"subject": "red work", "team": "red"})
    await kernel.create(ben, Task, {"subject": "blue work", "team": "blue"})
    with pytest.raises(PermissionDenied):
        await kernel.create(ann, Task, {"subject": "not mine", "team": "blue"})
    assert [t.subject for t in (await kernel.list(ann, Task)).items] == ["red work"]
    assert await kernel.count(ben, Task) == 1
    assert await kernel.count(vic, Task) == 2
    with pytest.raises(NotFound):
        await kernel.get(ben, Task, red.id)
    with pytest.raises(NotFound):
        await kernel.update(ben, Task, red.id, {"subject": "hijack"})
    with pytest.raises(PermissionDenied):
        await kernel.update(ann, Task, red.id, {"team": "blue"})
    with pytest.raises(PermissionDenied):
        await kernel.update(vic, Task, red.id, {"subject": "viewer edit"})


@pytest.mark.anyio
async def test_shares_grant_access_to_one_document(kernel: Kernel) -> None:
    red = await kernel.create(ann, Task, {"subject": "red work", "team": "red"})
    other = await kernel.create(ann, Task, {"subject": "other", "team": "red"})
    with pytest.raises(NotFound):
        await kernel.share(ben, Task, red.id, "carl")
    share = await kernel.share(ann, Task, red.id, "ben", ["read", "write"])
    assert (await kernel.get(ben, Task, red.id)).subject == "red work"
    listed = await kernel.list(ben, Task)
    assert [t.id for t in listed.items] == [red.id]
    updated = await kernel.update(ben, Task, red.id, {"hours": "2.5"})
    assert updated.hours == Decimal("2.5")
    with pytest.raises(NotFound):
        await kernel.get(ben, Task, other.id)
    await kernel.share(lea, Task, other.id, "nobody")
    assert [t.id for t in (await kernel.list(nobody, Task)).items] == [other.id]
    await kernel.unshare(ann, share.id)
    with pytest.raises(NotFound):
        await kernel.get(ben, Task, red.id)


@pytest.mark.anyio
async def test_shares_cannot_grant_more_than_the_sharer_holds(kernel: Kernel) -> None:
    task = await kernel.create(ann, Task, {"subject": "mine", "team": "red"})
    with pytest.raises(PermissionDenied, match=r"cannot share \['delete'\]"):
        await kernel.share(ann, Task, task.id, "ben", ["read", "delete"])
    for target in ("ann", " ann ", "Guest", ""):
        with pytest.raises(ValidationError, match="not yourself, not Guest"):
            await kernel.share(ann, Task, task.id, target, ["read"])
    await kernel.share(ann, Task, task.id, "ben", ["read", "write"])
    await kernel.share(ben, Task, task.id, "carl", ["read"])  # passing on what one holds is fine
    with pytest.raises(PermissionDenied):
        await kernel.share(ben, Task, task.id, "carl", ["delete"])
    await kernel.share(lea, Task, task.id, "dora", ["read", "delete"])  # a Lead holds delete
    assert await kernel.count(SystemContext("t"), "DocShare") == 3


@pytest.mark.anyio
async def test_shares_beyond_one_page_all_count() -> None:
    kernel = await in_memory_kernel([app])
    kernel.max_limit = 3  # a tiny page, so the caller's shares span several pages
    tasks = [await kernel.create(ann, Task, {"subject": f"t{i}", "team": "red"}) for i in range(7)]
    for task in tasks:
        await kernel.share(ann, Task, task.id, "nobody")
    assert await kernel.count(nobody, Task) == 7
    await kernel.delete(lea, Task, tasks[0].id, hard=True)
    assert await kernel.count(nobody, Task) == 6
