"""Reads the identity code needs in several places, made as the system."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from framework_m_core import DocType, Kernel, SystemContext

from .doctypes import Role

SYSTEM = SystemContext("identity")


async def existing_roles(kernel: Kernel, names: Iterable[str]) -> set[str]:
    """Which of ``names`` are Role documents."""
    wanted = sorted(set(names))
    if not wanted:
        return set()
    page = await kernel.list(
        SYSTEM,
        Role,
        filters=[["role_name", "in", wanted]],
        fields=["role_name"],
        limit=kernel.max_limit,
    )
    return {row["role_name"] for row in page.items}


async def ids_where(kernel: Kernel, doctype: type[DocType], filters: Any) -> list[UUID]:
    """The ids of every matching document, however many, read before the caller changes any."""
    ids: list[UUID] = []
    while True:
        page = await kernel.list(
            SYSTEM,
            doctype,
            filters=filters,
            fields=["id"],
            order_by="id",
            limit=kernel.max_limit,
            offset=len(ids),
        )
        ids.extend(row["id"] for row in page.items)
        if not page.has_more:
            return ids
