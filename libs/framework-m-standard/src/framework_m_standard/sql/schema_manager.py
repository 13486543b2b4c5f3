"""SQL SchemaManager: dev-mode sync that applies only safe changes, found by Alembic's comparison.

Safe: a new table, a new nullable column, a new index. Anything else (a dropped or renamed column, a
type or nullability change, a new unique constraint on existing rows) is refused with the migration to
write, because applying it blindly can lose data.

A fingerprint of the tables (their DDL) is kept in ``fm_schema_state`` once a sync leaves them in
place, and a start-up that finds its fingerprint there skips the comparison: it is most of a warm
start-up's cost, and Alembic need not even be imported. Deleting the rows forces a comparison;
``m migrate revision --autogenerate`` always compares.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable

from framework_m_core.errors import ConfigurationError
from framework_m_core.meta import DocTypeMeta

from .database import DEFAULT_BIND, SqlDatabase
from .errors import translated

log = logging.getLogger("framework_m.sql")
SCHEMA_STATE_TABLE = "fm_schema_state"
"""Fingerprints of table sets a sync found or left in place (outside the DocTypes' metadata, and
ignored by migrations like Alembic's own version table)."""
MIGRATION_HINT = 'write a migration: m migrate revision --autogenerate -m "<what changed>", then m migrate upgrade'


def describe_diff(diff: Any) -> str:
    """One Alembic comparison result (or a list of them) as words, for error messages."""
    if isinstance(diff, list):
        return "; ".join(describe_diff(d) for d in diff)
    kind = diff[0]
    if kind in ("modify_type", "modify_nullable", "modify_default", "modify_comment"):
        _, _, table, column, _, old, new = diff
        return f"{kind.removeprefix('modify_')} of {table}.{column} changes from {old!r} to {new!r}"
    if kind in ("remove_column", "add_column"):
        return f"{kind.replace('_', ' ')} {diff[2]}.{diff[3].name}" + (
            " (NOT NULL)" if kind == "add_column" else ""
        )
    target = diff[1]
    return f"{kind.replace('_', ' ')} {getattr(target, 'name', target)}"


class SqlSchemaManager:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def tables_by_bind(self, metas: Sequence[DocTypeMeta]) -> dict[str, list[sa.Table]]:
        """The tables of ``metas`` grouped by database; the infra tables live in the default one."""
        grouped: dict[str, list[sa.Table]] = {DEFAULT_BIND: list(self.db.schema.infra_tables)}
        for doc_tables in self.db.schema.build_all(metas):
            grouped.setdefault(self.db.bind_of(doc_tables.meta.name), []).extend(
                doc_tables.all_tables()
            )
        return grouped

    async def sync(
        self, metas: Sequence[DocTypeMeta], *, binds: Collection[str] | None = None
    ) -> None:
        """Make the safe changes in every database, or only in ``binds`` (the start-up step leaves a
        database whose schema is owned by migrations out)."""
        for bind, tables in self.tables_by_bind(metas).items():
            if binds is not None and bind not in binds:
                continue
            async with self.db.transaction(write=True) as tx:
                conn = await tx.connection(bind)
                with translated("schema"):
                    await conn.run_sync(_sync_tables, tables)

    async def drop(self, metas: Sequence[DocTypeMeta]) -> None:
        for bind, tables in self.tables_by_bind(metas).items():
            own = [t for t in tables if t not in self.db.schema.infra_tables]
            ordered = [t for t in reversed(self.db.schema.metadata.sorted_tables) if t in own]
            async with self.db.transaction(write=True) as tx:
                conn = await tx.connection(bind)
                with translated("schema"):
                    await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {SCHEMA_STATE_TABLE}")
                # PostgreSQL: CASCADE drops foreign keys of other tables that point here.
                suffix = " CASCADE" if conn.dialect.name == "postgresql" else ""
                quote = conn.dialect.identifier_preparer.quote
                with translated("schema"):
                    for table in ordered:
                        await conn.exec_driver_sql(
                            f"DROP TABLE IF EXISTS {quote(table.name)}{suffix}"
                        )


def fingerprint(dialect: Dialect, tables: Sequence[sa.Table]) -> str:
    """A digest of the DDL of ``tables`` (columns, types, constraints, indexes) on ``dialect``."""
    digest = hashlib.sha256()
    for table in sorted(tables, key=lambda t: t.name):
        digest.update(str(CreateTable(table).compile(dialect=dialect)).encode())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            digest.update(str(CreateIndex(index).compile(dialect=dialect)).encode())
    return digest.hexdigest()


def _sync_tables(conn: sa.Connection, tables: list[sa.Table]) -> None:
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA_STATE_TABLE} (fingerprint VARCHAR(64) PRIMARY KEY)"
    )
    known = sa.text(f"SELECT 1 FROM {SCHEMA_STATE_TABLE} WHERE fingerprint = :fingerprint")
    params = {"fingerprint": fingerprint(conn.dialect, tables)}
    if conn.execute(known, params).first() is not None:
        return
    _compare_and_apply(conn, tables)
    conn.execute(
        sa.text(f"INSERT INTO {SCHEMA_STATE_TABLE} (fingerprint) VALUES (:fingerprint)"), params
    )


def _compare_and_apply(conn: sa.Connection, tables: list[sa.Table]) -> None:
    from alembic.autogenerate import compare_metadata  # only when something may have changed
    from alembic.migration import MigrationContext

    names = {t.name for t in tables}
    metadata = sa.MetaData()
    for table in tables:
        table.to_metadata(metadata)

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return name in names
        table = getattr(obj, "table", None)
        return table is None or table.name in names

    context = MigrationContext.configure(
        conn, opts={"compare_type": False, "include_object": include}
    )
    diffs = compare_metadata(context, metadata)
    created: set[str] = set()
    refused: list[str] = []
    pending_columns: list[tuple[str, sa.Column[Any]]] = []
    for diff in diffs:
        kind = diff[0] if not isinstance(diff, list) else "modify"
        if kind == "add_table":
            diff[1].create(conn)
            created.add(diff[1].name)
        elif kind == "add_column" and diff[3].nullable:
            pending_columns.append((diff[2], diff[3]))
        elif kind == "add_index":
            # Also for a table created just above: Alembic hands it over without its indexes.
            diff[1].create(conn)
        elif kind == "add_fk" and diff[1].table.name in created:
            continue
        else:
            refused.append(describe_diff(diff))
    if refused:
        raise ConfigurationError(
            "the database schema needs changes that dev-mode sync will not make: "
            + "; ".join(refused)
            + f". To apply them, {MIGRATION_HINT}"
        )
    for table_name, column in pending_columns:
        ddl = CreateColumn(column).compile(dialect=conn.dialect)
        conn.exec_driver_sql(
            f"ALTER TABLE {conn.dialect.identifier_preparer.quote(table_name)} ADD COLUMN {ddl}"
        )
        log.info("added column %s.%s", table_name, column.name)
