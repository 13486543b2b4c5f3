"""The two roles of the CRM app. Every rule in the DocTypes' ``Meta.permissions`` names one of these;
anyone else is denied by default (the Administrator role bypasses the checks in the Kernel)."""

from __future__ import annotations

SALES_USER = "Sales User"
"""Keeps the customer and item masters up to date and works on their own sales invoices only."""

SALES_MANAGER = "Sales Manager"
"""Full control over every CRM document: deletes, cancels and amends included."""
