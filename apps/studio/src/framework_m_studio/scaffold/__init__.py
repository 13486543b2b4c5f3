"""Scaffolds of whole packages (an adapter package for a port), generated from ``templates/``."""

from .adapter import FAMILIES, AdapterScaffold, PortFamily, family_of, plan_adapter, write_scaffold
from .names import PackageNames, package_names

__all__ = [
    "FAMILIES",
    "AdapterScaffold",
    "PackageNames",
    "PortFamily",
    "family_of",
    "package_names",
    "plan_adapter",
    "write_scaffold",
]
