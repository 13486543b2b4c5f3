"""SchemaManager: storage follows the DocTypes, sync is idempotent and keeps data, drop removes storage."""

from __future__ import annotations

import pytest

from ...doctype import DocType
from ...errors import AdapterError
from ...meta import DocTypeMeta
from ...query import Query
from ..doctypes import KitCustomer
from ..plugin import KitEnv
from ._support import meta_of

__all__ = [
    "test_drop_removes_storage_and_sync_recreates_it_empty",
    "test_storage_for_an_unsynced_doctype_is_an_adapter_error",
    "test_sync_adds_storage_for_a_new_doctype_only",
    "test_sync_is_idempotent_and_keeps_data",
]


class KitLater(DocType):
    """A DocType that appears after the first sync (a new app or a new release)."""

    label: str = ""
    size: int | None = None

    class Meta:
        indexes = (("size",),)


@pytest.mark.anyio
async def test_sync_is_idempotent_and_keeps_data(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Kept"})
    await kit.adapters.schema_manager.sync(kit.registry.metas())
    await kit.adapters.schema_manager.sync(kit.registry.metas())
    assert (await kit.kernel.get(kit.admin, KitCustomer, customer.id)).customer_name == "Kept"


@pytest.mark.anyio
async def test_sync_adds_storage_for_a_new_doctype_only(kit: KitEnv) -> None:
    customer = await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Kept"})
    later = DocTypeMeta.of(KitLater, app="later")
    await kit.adapters.schema_manager.sync([*kit.registry.metas(), later])
    record = {
        "id": kit.kernel.ids.new_id(),
        "name": "l1",
        "owner": "x",
        "creation": kit.clock.now(),
        "modified": kit.clock.now(),
        "modified_by": None,
        "version": 1,
        "docstatus": 0,
        "amended_from": None,
        "label": "new",
        "size": 3,
    }
    async with kit.adapters.unit_of_work.transaction() as tx:
        await kit.adapters.repository.insert(tx, later, [record])
    async with kit.adapters.unit_of_work.transaction() as tx:
        rows = await kit.adapters.repository.list(tx, later, Query(order_by=()))
    assert [(r["name"], r["label"], r["size"]) for r in rows] == [("l1", "new", 3)]
    assert (await kit.kernel.get(kit.admin, KitCustomer, customer.id)).customer_name == "Kept"
    await kit.adapters.schema_manager.drop([later])


@pytest.mark.anyio
async def test_storage_for_an_unsynced_doctype_is_an_adapter_error(kit: KitEnv) -> None:
    never = DocTypeMeta.of(KitLater, app="later")
    with pytest.raises(AdapterError):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await kit.adapters.repository.list(tx, never, Query(order_by=()))


@pytest.mark.anyio
async def test_drop_removes_storage_and_sync_recreates_it_empty(kit: KitEnv) -> None:
    await kit.kernel.create(kit.admin, KitCustomer, {"customer_name": "Gone"})
    meta = meta_of(kit, "KitCustomer")
    await kit.adapters.schema_manager.drop([meta])
    with pytest.raises(AdapterError):
        async with kit.adapters.unit_of_work.transaction() as tx:
            await kit.adapters.repository.count(tx, meta, None)
    await kit.adapters.schema_manager.sync([meta])
    assert await kit.kernel.count(kit.admin, KitCustomer) == 0
