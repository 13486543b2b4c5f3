"""Items: the goods and services we sell, with the rate invoices use unless they say otherwise."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from framework_m import DocType, PermissionRule

from .roles import SALES_MANAGER, SALES_USER


class Item(DocType):
    """Something we sell. Named after ``item_code``; sales users may add items but not change them."""

    item_code: str = Field(
        min_length=1,
        max_length=140,
        title="Item Code",
        description="Short unique code; also the document's name.",
    )
    item_name: str = Field(
        min_length=1, max_length=140, title="Item Name", description="Name shown on invoices."
    )
    description: str | None = Field(
        default=None, title="Description", description="Longer description of the item."
    )
    standard_rate: Decimal = Field(
        default=Decimal("0"),
        ge=0,
        max_digits=18,
        decimal_places=2,
        title="Standard Rate",
        description="Price per unit that invoice rows get when they leave the rate at 0.",
    )
    uom: str = Field(
        default="Nos",
        min_length=1,
        max_length=40,
        title="Unit of Measure",
        description="Unit the quantity is counted in (Nos, Hour, Kg, ...).",
    )
    disabled: bool = Field(
        default=False, title="Disabled", description="Disabled items cannot be invoiced."
    )

    class Meta:
        api_resource = True
        naming = "field:item_code"
        title_field = "item_name"
        search_fields = ("item_code", "item_name")
        label = "Item"
        description = "A product or service we sell."
        permissions = [
            PermissionRule(role=SALES_USER, actions=frozenset({"read", "create"})),
            PermissionRule(
                role=SALES_MANAGER, actions=frozenset({"read", "create", "write", "delete"})
            ),
        ]
