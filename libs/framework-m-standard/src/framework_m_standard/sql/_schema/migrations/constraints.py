"""What Alembic leaves out about our tables' constraints, added to a revision before it is written.

Select fields carry a CHECK constraint declared on their column. Alembic renders neither column-level
constraints in ``create_table`` nor any CHECK for an added column, and SQLite's table rebuild keeps the
CHECK of a dropped column — which then names a column that no longer exists. Each gap is closed here
with an ordinary Alembic operation, so the revision file shows exactly what will happen.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import ops


def reflected_checks(conn: sa.Connection | None, table: str) -> dict[str, list[tuple[str, str]]]:
    """Column → the (name, SQL) of each CHECK constraint of ``table`` that mentions it, as the
    database has them: a rename keeps the constraint's original name, so names cannot be trusted."""
    found: dict[str, list[tuple[str, str]]] = {}
    if conn is None:  # offline rendering: nothing to reflect
        return found
    inspector = sa.inspect(conn)
    columns = [str(c["name"]) for c in inspector.get_columns(table)]
    for check in inspector.get_check_constraints(table):
        sqltext = str(check.get("sqltext"))
        code = re.sub(r"'(?:[^']|'')*'", "''", sqltext)  # ignore the allowed values themselves
        for column in columns:
            if re.search(rf'(?<![\w"]){re.escape(column)}(?![\w"])|"{re.escape(column)}"', code):
                found.setdefault(column, []).append((str(check.get("name")), sqltext))
    return found


def check_options(sqltext: str) -> frozenset[str]:
    """The values a Select field's CHECK allows, however the database spelled it back
    (``x IN ('a', 'b')`` on SQLite, ``(x = ANY (ARRAY['a'::text, 'b'::text]))`` on PostgreSQL)."""
    match = re.search(r"\bIN\s*\(|\bARRAY\s*\[", sqltext, re.IGNORECASE)
    tail = sqltext[match.end() :] if match else sqltext
    quoted = re.findall(r"'((?:[^']|'')*)'", tail)
    if quoted:
        return frozenset(quoted)
    return frozenset(re.findall(r"(?<![\w.])-?\d+(?![\w.])", tail))


def column_checks(column: Any) -> list[sa.CheckConstraint]:
    found = getattr(column, "constraints", ())
    return [
        sa.CheckConstraint(c.sqltext, name=c.name)
        for c in sorted(found, key=lambda c: str(c.name))
        if isinstance(c, sa.CheckConstraint)
    ]


def add_column_checks(upgrade: ops.UpgradeOps) -> None:
    """Carry the CHECK constraints of Select fields into the revision.

    Our tables declare them on the column, and Alembic renders neither column-level constraints in
    ``create_table`` nor any CHECK for an added column: a new table gets them as table constraints, a
    new column gets a ``create_check_constraint`` right after it."""
    for op in upgrade.ops:
        if isinstance(op, ops.CreateTableOp):
            op.columns = [*op.columns, *(c for col in op.columns for c in column_checks(col))]
        elif isinstance(op, ops.ModifyTableOps):
            with_checks: list[ops.MigrateOperation] = []
            for inner in op.ops:
                with_checks.append(inner)
                if isinstance(inner, ops.AddColumnOp):
                    with_checks.extend(
                        ops.CreateCheckConstraintOp(c.name, op.table_name, c.sqltext)
                        for c in column_checks(inner.column)
                    )
            op.ops = with_checks


def drop_column_checks(context: MigrationContext, upgrade: ops.UpgradeOps) -> None:
    """Drop the CHECK constraints on a column before the column (SQLite would otherwise rebuild the
    table with a CHECK on a missing column); the downgrade re-creates them as the database has them."""
    for op in upgrade.ops:
        if not isinstance(op, ops.ModifyTableOps):
            continue
        dropped = sorted({o.column_name for o in op.ops if isinstance(o, ops.DropColumnOp)})
        checks = reflected_checks(context.connection, op.table_name) if dropped else {}
        before: list[ops.MigrateOperation] = []
        for column in dropped:
            before.extend(
                drop_check(op.table_name, column, *check) for check in checks.get(column, [])
            )
        op.ops = [*before, *op.ops]


def drop_check(table: str, column: str, name: str, sqltext: str) -> ops.DropConstraintOp:
    """Drop a reflected CHECK constraint; reversible, so the downgrade puts it back verbatim."""
    constraint = sa.CheckConstraint(sqltext, name=name)
    sa.Table(table, sa.MetaData(), sa.Column(column)).append_constraint(constraint)
    return ops.DropConstraintOp.from_constraint(constraint)


def create_everything(metadata: sa.MetaData) -> ops.UpgradeOps:
    """The first revision: every table and index of ``metadata``, whatever the database already holds,
    so that an empty database upgraded from scratch ends up with the whole schema."""
    created: list[ops.MigrateOperation] = []
    for table in metadata.sorted_tables:
        created.append(ops.CreateTableOp.from_table(table))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            created.append(ops.CreateIndexOp.from_index(index))
    return ops.UpgradeOps(ops=created)
