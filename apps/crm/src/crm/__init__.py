"""Framework M's demo CRM: customers, contacts, items and sales invoices for two roles.

Installed, it registers itself as app ``crm`` (entry point group ``framework_m.apps``); ``crm.seed``
fills an empty database with demo data.
"""

from .app import app
from .customer import Contact, Customer
from .item import Item
from .roles import SALES_MANAGER, SALES_USER
from .sales_invoice import InvoiceStatus, Outstanding, SalesInvoice, SalesInvoiceItem
from .seed import seed

__all__ = [
    "SALES_MANAGER",
    "SALES_USER",
    "Contact",
    "Customer",
    "InvoiceStatus",
    "Item",
    "Outstanding",
    "SalesInvoice",
    "SalesInvoiceItem",
    "app",
    "seed",
]
