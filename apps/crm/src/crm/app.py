"""The CRM app as Framework M loads it: the ``framework_m.apps`` entry point ``crm`` names ``app``."""

from __future__ import annotations

from framework_m import App

from .customer import Contact, ContactController, Customer
from .item import Item
from .sales_invoice import SalesInvoice, SalesInvoiceController

app = App(
    name="crm",
    doctypes=[Customer, Contact, Item, SalesInvoice],
    controllers={"Contact": ContactController, "SalesInvoice": SalesInvoiceController},
)
