"""SQLAlchemy tables from the table descriptions of ``tables.py``, for schema work only.

Creating tables, comparing them with a live database (the automatic sync) and migrations (Alembic)
need SQLAlchemy ``Table`` objects; serving requests does not, so this module is imported only when
schema work is done.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import SchemaItem

from .._request.tables import Column, Table
from ..types import sa_type


def _column(column: Column) -> sa.Column[Any]:
    args: list[SchemaItem] = []
    if column.foreign_key is not None:
        fk = column.foreign_key
        args.append(sa.ForeignKey(f"{fk.table}.id", ondelete=fk.ondelete, name=fk.name))
    if column.check is not None:
        args.append(
            sa.CheckConstraint(f"{column.name} IN ({column.check.sql})", name=column.check.name)
        )
    return sa.Column(
        column.name,
        sa_type(column.type),
        *args,
        primary_key=column.primary_key,
        nullable=column.nullable,
    )


def sa_table(table: Table, metadata: sa.MetaData) -> sa.Table:
    """``table`` as a SQLAlchemy table in ``metadata`` (foreign keys need both ends there)."""
    items: list[SchemaItem] = [_column(c) for c in table.columns]
    items += [sa.UniqueConstraint(*u.columns, name=u.name) for u in table.uniques]
    items += [sa.Index(i.name, *i.columns) for i in table.indexes]
    return sa.Table(table.name, metadata, *items)


def sa_tables(tables: Iterable[Table], metadata: sa.MetaData | None = None) -> list[sa.Table]:
    """``tables`` in one MetaData (a new one unless given), in the order given."""
    metadata = sa.MetaData() if metadata is None else metadata
    return [sa_table(t, metadata) for t in tables]
