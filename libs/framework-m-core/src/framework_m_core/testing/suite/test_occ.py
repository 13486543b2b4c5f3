"""Optimistic concurrency through the Kernel: versions count saves, stale versions change nothing."""

from __future__ import annotations

import asyncio

import pytest

from ...errors import Conflict, VersionConflict
from ..doctypes import KitCustomer, KitInvoice, KitRecord
from ..plugin import KitEnv

__all__ = [
    "test_occ_concurrent_updates_of_one_version_conflict",
    "test_occ_stale_version_conflicts_and_changes_nothing",
    "test_occ_version_increments_by_one_per_save",
]


@pytest.mark.anyio
async def test_occ_version_increments_by_one_per_save(kit: KitEnv) -> None:
    doc = await kit.kernel.create(kit.admin, KitRecord, {"title": "v"})
    assert doc.version == 1
    for expected in range(2, 6):
        doc = await kit.kernel.update(
            kit.admin, KitRecord, doc.id, {"count": expected}, version=doc.version
        )
        assert doc.version == expected
        assert (await kit.kernel.get(kit.admin, KitRecord, doc.id)).version == expected
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "C"})
    invoice = await kit.kernel.create(kit.admin, KitInvoice, {"customer": customer.id})
    submitted = await kit.kernel.submit(kit.admin, KitInvoice, invoice.id, version=1)
    cancelled = await kit.kernel.cancel(kit.admin, KitInvoice, invoice.id, version=2)
    assert (invoice.version, submitted.version, cancelled.version) == (1, 2, 3)


@pytest.mark.anyio
async def test_occ_stale_version_conflicts_and_changes_nothing(kit: KitEnv) -> None:
    doc = await kit.kernel.create(kit.admin, KitRecord, {"title": "v", "count": 1})
    current = await kit.kernel.update(kit.admin, KitRecord, doc.id, {"count": 2}, version=1)
    for stale in (1, 3):
        with pytest.raises(VersionConflict) as info:
            await kit.kernel.update(kit.admin, KitRecord, doc.id, {"count": 99}, version=stale)
        assert info.value.details["current_version"] == 2
        with pytest.raises(VersionConflict):
            await kit.kernel.delete(kit.admin, KitRecord, doc.id, version=stale)
    assert await kit.kernel.get(kit.admin, KitRecord, doc.id) == current
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "C"})
    invoice = await kit.kernel.create(kit.admin, KitInvoice, {"customer": customer.id})
    with pytest.raises(VersionConflict):
        await kit.kernel.submit(kit.admin, KitInvoice, invoice.id, version=7)
    assert await kit.kernel.get(kit.admin, KitInvoice, invoice.id) == invoice


@pytest.mark.anyio
async def test_occ_concurrent_updates_of_one_version_conflict(kit: KitEnv) -> None:
    """Of many writers that all read version 1, exactly one wins; the store keeps the winner's data."""
    doc = await kit.kernel.create(kit.admin, KitRecord, {"title": "race"})
    results = await asyncio.gather(
        *(
            kit.kernel.update(kit.admin, KitRecord, doc.id, {"count": i}, version=1)
            for i in range(10)
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    # A store may abort a loser itself (a retryable Conflict) instead of reporting the stale version.
    assert all(isinstance(r, Conflict) for r in losers), losers
    stored = await kit.kernel.get(kit.admin, KitRecord, doc.id)
    assert stored == winners[0]
    assert stored.version == 2
