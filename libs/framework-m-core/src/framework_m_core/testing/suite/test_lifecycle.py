"""Submit, cancel and amend through the Kernel: submitted and cancelled documents are immutable."""

from __future__ import annotations

from typing import Any

import pytest

from ...doctype import DocStatus
from ...errors import DocumentSubmitted, InvalidTransition, NotFound
from ..doctypes import KitCustomer, KitInvoice, KitRecord
from ..plugin import KitEnv

__all__ = [
    "test_lifecycle_amend_names_and_copies",
    "test_lifecycle_cancelled_is_immutable",
    "test_lifecycle_submit_cancel",
    "test_lifecycle_submitted_is_immutable",
]


async def _draft(kit: KitEnv) -> Any:
    try:
        customer = await kit.kernel.get(kit.admin, KitCustomer, "Life")
    except NotFound:
        customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Life"})
    return await kit.kernel.create(
        kit.admin,
        KitInvoice,
        {
            "customer": customer.id,
            "lines": [{"item": "a", "qty": 2, "rate": "1.5"}, {"item": "b", "rate": "0.25"}],
            "taxes": [{"account": "VAT", "rate": "0.19"}],
        },
    )


@pytest.mark.anyio
async def test_lifecycle_submit_cancel(kit: KitEnv) -> None:
    draft = await _draft(kit)
    submitted = await kit.kernel.submit(kit.admin, KitInvoice, draft.name)
    assert (submitted.docstatus, submitted.version) == (DocStatus.SUBMITTED, 2)
    assert await kit.kernel.get(kit.admin, KitInvoice, draft.id) == submitted
    page = await kit.kernel.list(kit.admin, KitInvoice, filters={"docstatus": 1})
    assert [d.id for d in page.items] == [draft.id]
    cancelled = await kit.kernel.cancel(kit.admin, KitInvoice, draft.id)
    assert (cancelled.docstatus, cancelled.version) == (DocStatus.CANCELLED, 3)
    assert await kit.kernel.get(kit.admin, KitInvoice, draft.id) == cancelled
    assert cancelled.lines == draft.lines
    with pytest.raises(InvalidTransition):
        await kit.kernel.submit(
            kit.admin, KitRecord, (await kit.kernel.create(kit.admin, KitRecord, {"title": "t"})).id
        )


@pytest.mark.anyio
async def test_lifecycle_submitted_is_immutable(kit: KitEnv) -> None:
    submitted = await kit.kernel.submit(kit.admin, KitInvoice, (await _draft(kit)).id)
    with pytest.raises(DocumentSubmitted):
        await kit.kernel.update(kit.admin, KitInvoice, submitted.id, {"remarks": "changed"})
    with pytest.raises(DocumentSubmitted):
        await kit.kernel.delete(kit.admin, KitInvoice, submitted.id)
    with pytest.raises(InvalidTransition):
        await kit.kernel.submit(kit.admin, KitInvoice, submitted.id)
    with pytest.raises(InvalidTransition):
        await kit.kernel.amend(kit.admin, KitInvoice, submitted.id)
    assert await kit.kernel.get(kit.admin, KitInvoice, submitted.id) == submitted


@pytest.mark.anyio
async def test_lifecycle_cancelled_is_immutable(kit: KitEnv) -> None:
    draft = await _draft(kit)
    await kit.kernel.submit(kit.admin, KitInvoice, draft.id)
    cancelled = await kit.kernel.cancel(kit.admin, KitInvoice, draft.id)
    with pytest.raises(DocumentSubmitted):
        await kit.kernel.update(kit.admin, KitInvoice, draft.id, {"remarks": "changed"})
    for transition in (kit.kernel.submit, kit.kernel.cancel):
        with pytest.raises(InvalidTransition):
            await transition(kit.admin, KitInvoice, draft.id)
    with pytest.raises(InvalidTransition):
        await kit.kernel.cancel(kit.admin, KitInvoice, (await _draft(kit)).id)
    assert await kit.kernel.get(kit.admin, KitInvoice, draft.id) == cancelled


@pytest.mark.anyio
async def test_lifecycle_amend_names_and_copies(kit: KitEnv) -> None:
    original = await _draft(kit)
    await kit.kernel.submit(kit.admin, KitInvoice, original.id)
    await kit.kernel.cancel(kit.admin, KitInvoice, original.id)
    first = await kit.kernel.amend(kit.admin, KitInvoice, original.id)
    assert first.name == f"{original.name}-1"
    assert (first.docstatus, first.version, first.amended_from) == (DocStatus.DRAFT, 1, original.id)
    assert [(r.item, r.qty, r.rate, r.idx) for r in first.lines] == [
        (r.item, r.qty, r.rate, r.idx) for r in original.lines
    ]
    assert not {r.id for r in first.lines} & {r.id for r in original.lines}
    assert [t.account for t in first.taxes] == ["VAT"]
    assert first.total == original.total
    assert await kit.kernel.get(kit.admin, KitInvoice, first.name) == first
    # The source keeps its rows.
    source = await kit.kernel.get(kit.admin, KitInvoice, original.id)
    assert source.lines == original.lines
    await kit.kernel.submit(kit.admin, KitInvoice, first.id)
    await kit.kernel.cancel(kit.admin, KitInvoice, first.id)
    second = await kit.kernel.amend(kit.admin, KitInvoice, first.id)
    assert (second.name, second.amended_from) == (f"{original.name}-2", first.id)
    third = await kit.kernel.amend(kit.admin, KitInvoice, original.id)
    assert third.name == f"{original.name}-3"
    assert await kit.kernel.count(kit.admin, KitInvoice) == 4
