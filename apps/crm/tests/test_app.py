"""The installed app: its entry point, the DocType names interfaces use, and rich metadata."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

import crm
from framework_m import CallerContext, Kernel, MetaRegistry

pytestmark = pytest.mark.anyio

DOCTYPES = ["Customer", "Contact", "Item", "SalesInvoice"]
ADMIN = CallerContext.for_user("root@example.com", "Administrator")


def test_entry_point_loads_the_app() -> None:
    (found,) = entry_points(group="framework_m.apps", name="crm")
    assert found.value == "crm.app:app"
    assert found.load() is crm.app
    assert found.dist is not None
    assert (found.dist.name, found.dist.version) == ("framework-m-crm", "0.1.0")


def test_discovery_registers_the_doctypes_by_class_name() -> None:
    registry = MetaRegistry.discover(["crm"])
    crm_metas = [m for m in registry.metas() if m.app == "crm"]
    assert [m.name for m in crm_metas] == DOCTYPES
    assert all(m.options.api_resource for m in crm_metas)
    invoice = registry.get("SalesInvoice")
    assert (invoice.options.label, invoice.options.naming) == (
        "Sales Invoice",
        "SINV-.YYYY.-.#####",
    )
    assert invoice.options.is_submittable
    assert list(invoice.children) == ["items"]


def test_every_field_is_labelled_and_described() -> None:
    registry = MetaRegistry.discover(["crm"])
    for meta in registry.metas():
        if meta.app != "crm":
            continue
        for sub in (meta, *meta.children.values()):
            own = [f for f in sub.fields.values() if not f.standard]
            assert own, sub.name
            for spec in own:
                assert spec.label, f"{sub.name}.{spec.name}"
                assert spec.description, f"{sub.name}.{spec.name}"
            assert sub.options.is_child or sub.options.description


async def test_doctypes_map_to_storage(kernel: Kernel) -> None:
    """Runs on memory and on SQLite (see ``kernel``): storage exists and syncing again changes nothing."""
    await kernel.sync_schema()
    for doctype in DOCTYPES:
        assert await kernel.count(ADMIN, doctype) == 0
