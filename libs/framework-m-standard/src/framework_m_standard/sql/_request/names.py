"""Table and constraint names derived from DocType names (stable: migrations depend on them)."""

from __future__ import annotations

import hashlib
import re

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
MAX_IDENTIFIER = 63  # PostgreSQL's limit


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).replace(" ", "_").replace("-", "_").lower()


def bounded(name: str) -> str:
    """Shorten identifiers PostgreSQL would truncate, keeping them unique with a hash suffix."""
    if len(name) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_IDENTIFIER - 9]}_{digest}"


def parent_table(doctype: str) -> str:
    return bounded(snake(doctype))


def child_table(doctype: str, child_doctype: str) -> str:
    """One table per (parent DocType, child DocType), so rows can have a foreign key to their parent;
    ``parentfield`` tells apart two table fields of the same child type."""
    return bounded(f"{snake(doctype)}__{snake(child_doctype)}")


def index_name(table: str, columns: tuple[str, ...], *, unique: bool = False) -> str:
    prefix = "uq" if unique else "ix"
    return bounded(f"{prefix}_{table}__{'_'.join(columns)}")
