"""Link integrity and ``fetch_from``: one query per linked DocType, for the document and its children."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from ..errors import FieldError, LinkValidation
from ..meta import DocTypeMeta
from ..ports.repository import Repository
from ..query import Condition, Query
from ..registry import MetaRegistry
from ..types import Record, Transaction


def _link_sites(
    meta: DocTypeMeta, doc: BaseModel
) -> list[tuple[list[str | int], BaseModel, DocTypeMeta]]:
    sites: list[tuple[list[str | int], BaseModel, DocTypeMeta]] = [([], doc, meta)]
    for table, child_meta in meta.children.items():
        for i, row in enumerate(getattr(doc, table)):
            sites.append(([table, i], row, child_meta))
    return sites


async def resolve_links(
    tx: Transaction,
    repository: Repository,
    registry: MetaRegistry,
    meta: DocTypeMeta,
    doc: BaseModel,
) -> dict[UUID, Record]:
    """Check every Link (including in child rows) points at a live document, then apply ``fetch_from``.

    Returns the linked records by id (naming rules reuse them). Raises LinkValidation listing each
    dangling link.
    """
    sites = _link_sites(meta, doc)
    wanted: dict[str, set[UUID]] = defaultdict(set)
    for _, obj, sub in sites:
        for fname, target in sub.links.items():
            value = getattr(obj, fname)
            if value is not None:
                wanted[target].add(value)
    found: dict[UUID, Record] = {}
    for target, ids in wanted.items():
        target_meta = registry.get(target)
        rows = await repository.list(
            tx,
            target_meta,
            Query(Condition("id", "in", tuple(sorted(ids))), order_by=(), limit=len(ids)),
        )
        found.update({row["id"]: row for row in rows})
    errors = [
        FieldError(
            [*loc, fname], f"{target} {getattr(obj, fname)} does not exist", "link_not_found"
        )
        for loc, obj, sub in sites
        for fname, target in sub.links.items()
        if getattr(obj, fname) is not None and getattr(obj, fname) not in found
    ]
    if errors:
        raise LinkValidation(f"{meta.name} links to documents that do not exist", errors)
    for _, obj, sub in sites:
        for spec in sub.fields.values():
            if spec.fetch_from is None:
                continue
            source_id = getattr(obj, spec.fetch_from.link_field)
            fetched: Any = None
            if source_id is not None:
                fetched = found[source_id].get(spec.fetch_from.target_field)
            setattr(obj, spec.name, fetched)
    return found


async def ensure_not_linked(
    tx: Transaction,
    repository: Repository,
    registry: MetaRegistry,
    meta: DocTypeMeta,
    record: Record,
) -> None:
    """Refuse to delete a document that live documents still link to."""
    for ref_meta, fname in registry.referencing(meta.name):
        if await repository.count(tx, ref_meta, Condition(fname, "=", record["id"])):
            raise LinkValidation(
                f"cannot delete {meta.name} {record.get('name')}: {ref_meta.name}.{fname} links to it",
                [FieldError([ref_meta.name, fname], "still linked", "linked")],
            )
