"""Telling a renamed field from a removed one plus a new one.

Alembic compares columns by name, so a rename looks like "drop the old column, add a new one", which,
applied, destroys the data. A dropped and an added column of one table are a *plausible* rename when
they hold the same kind of value (and a Select field only comes from a Select field with the same
options); plausible pairs
are ranked so the likeliest is asked about first. A confirmed pair becomes a native column rename.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import ops
from sqlalchemy.types import TypeDecorator

from .constraints import check_options, column_checks, reflected_checks

_FAMILIES = {
    "VARCHAR": "TEXT",
    "CHARACTER VARYING": "TEXT",
    "BIGINT": "INTEGER",
    "SMALLINT": "INTEGER",
    "DOUBLE PRECISION": "FLOAT",
    "DOUBLE": "FLOAT",
    "REAL": "FLOAT",
    "DECIMAL": "NUMERIC",
    "DATETIME": "TIMESTAMP",
}


def storage_family(column: sa.Column[Any], dialect: sa.Dialect) -> str:
    """The kind of value a column holds, ignoring length, precision and collation. For our own types
    the declared kind counts, not its storage: a Decimal kept as TEXT on SQLite is still NUMERIC, so
    a text column is never proposed as a renamed Decimal."""
    type_ = column.type
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    ddl = type_.compile(dialect=dialect).upper()
    base = re.split(r"\(| COLLATE | WITH| WITHOUT", ddl, maxsplit=1)[0].strip()
    return _FAMILIES.get(base, base)


def _allowed_values(checks: list[tuple[str, str]]) -> frozenset[str] | None:
    """A Select field's options (``None`` for a free field): a Select field is only ever proposed as
    renamed from a Select field with the same options."""
    return check_options(checks[0][1]) if checks else None


def _similarity(old: str, new: str) -> float:
    return SequenceMatcher(None, old, new).ratio()


class RenameColumnOp(ops.AlterColumnOp):
    """A column rename whose reverse renames back (Alembic's own AlterColumnOp forgets the name).

    Rendered as a plain ``op.alter_column(…, new_column_name=…)`` outside batch mode, which is a native
    ``ALTER TABLE … RENAME COLUMN`` on SQLite too: no table rebuild, and SQLite rewrites the indexes,
    CHECK and foreign-key constraints that mention the column."""

    def reverse(self) -> RenameColumnOp:
        return RenameColumnOp(
            self.table_name,
            str(self.modify_name),
            modify_name=self.column_name,
            existing_type=self.existing_type,
            existing_nullable=self.existing_nullable,
        )


def candidates(
    context: MigrationContext,
    table: str,
    drops: list[ops.DropColumnOp],
    adds: list[ops.AddColumnOp],
) -> list[tuple[ops.DropColumnOp, ops.AddColumnOp]]:
    """Plausible renames, most plausible first: same kind of value, a Select field only from a Select
    field with the same options, ranked by identical type, nullability and similar names."""
    if not drops or not adds:
        return []
    dialect = context.dialect
    checked = reflected_checks(context.connection, table)
    scored: list[tuple[tuple[bool, bool, float], str, str]] = []
    pairs: dict[tuple[str, str], tuple[ops.DropColumnOp, ops.AddColumnOp]] = {}
    for drop in drops:
        old = drop.to_column()
        for add in adds:
            new = add.column
            if storage_family(old, dialect) != storage_family(new, dialect):
                continue
            if _allowed_values(checked.get(old.name, [])) != _allowed_values(
                [(str(c.name), str(c.sqltext)) for c in column_checks(new)]
            ):
                continue
            same_type = not context.impl.compare_type(old, new)
            rank = (same_type, old.nullable == new.nullable, _similarity(old.name, new.name))
            scored.append((rank, old.name, new.name))
            pairs[(old.name, new.name)] = (drop, add)
    scored.sort(key=lambda item: (item[0], item[1], item[2]), reverse=True)
    return [pairs[(old, new)] for _, old, new in scored]
