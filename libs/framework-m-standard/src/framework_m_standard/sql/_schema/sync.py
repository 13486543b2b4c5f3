"""The automatic sync's comparison with a live database, through SQLAlchemy and Alembic.

Loaded only when a database's fingerprint is not in ``fm_schema_state`` (``state.py``): a
start-up with unchanged DocTypes never imports this module.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import CreateColumn

from framework_m_core.errors import ConfigurationError

from .._request.errors import translated
from .._request.tables import Table
from ..database import SqlDatabase
from .ddl import sa_tables
from .engine import WRITE_OPTION
from .state import CREATE_SCHEMA_STATE, MIGRATION_HINT, SCHEMA_STATE_TABLE

log = logging.getLogger("framework_m.sql")


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


async def sync_tables(db: SqlDatabase, bind: str, tables: Sequence[Table], digest: str) -> None:
    """Compare ``tables`` with ``bind``'s database, make the safe changes and record ``digest``, in
    one transaction (on SQLite under the write lock)."""
    lock = db.write_lock(bind)
    if lock is not None:
        await lock.acquire()
    try:
        with translated("schema"):
            async with db.engine(bind).connect() as conn:
                await conn.execution_options(**{WRITE_OPTION: True})
                async with conn.begin():
                    await conn.run_sync(_sync, sa_tables(tables), digest)
    finally:
        if lock is not None:
            lock.release()


def _sync(conn: sa.Connection, tables: list[sa.Table], digest: str) -> None:
    conn.exec_driver_sql(CREATE_SCHEMA_STATE)
    known = sa.text(f"SELECT 1 FROM {SCHEMA_STATE_TABLE} WHERE fingerprint = :fingerprint")
    params = {"fingerprint": digest}
    if conn.execute(known, params).first() is not None:
        return  # another process synced meanwhile
    _compare_and_apply(conn, tables)
    conn.execute(
        sa.text(f"INSERT INTO {SCHEMA_STATE_TABLE} (fingerprint) VALUES (:fingerprint)"), params
    )


def _compare_and_apply(conn: sa.Connection, tables: list[sa.Table]) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    names = {t.name for t in tables}
    metadata = tables[0].metadata if tables else sa.MetaData()

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
