"""SQL SchemaManager: dev-mode sync that applies only safe changes, found by Alembic's comparison.

Safe: a new table, a new nullable column, a new index. Anything else (a dropped or renamed column, a
type or nullability change, a new unique constraint on existing rows) is refused with the migration to
write, because applying it blindly can lose data.

A fingerprint of the tables is kept in ``fm_schema_state`` once a sync leaves them in place, and a
start-up that finds its fingerprint there skips the comparison: it is most of a warm start-up's cost,
and neither SQLAlchemy nor Alembic need be imported (``schema_sync.py`` holds what does). Deleting the
rows forces a comparison; ``m migrate revision --autogenerate`` always compares.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence

from framework_m_core.meta import DocTypeMeta

from .database import DEFAULT_BIND, SqlDatabase
from .statements import Params, Runner, Statement
from .tables import Table

SCHEMA_STATE_TABLE = "fm_schema_state"
"""Fingerprints of table sets a sync found or left in place (outside the DocTypes' metadata, and
ignored by migrations like Alembic's own version table)."""
SCHEMA_FORMAT = 2
"""How ``ddl.py`` and ``types.py`` turn table descriptions into DDL, as a number that is part of every
fingerprint. ``test_sql_schema_state.py`` pins the DDL of a reference schema to it: a change there
fails that test until this number (and the pinned digest) move on, so a database is compared again."""
CREATE_SCHEMA_STATE = (
    f"CREATE TABLE IF NOT EXISTS {SCHEMA_STATE_TABLE} (fingerprint VARCHAR(64) PRIMARY KEY)"
)
MIGRATION_HINT = 'write a migration: m migrate revision --autogenerate -m "<what changed>", then m migrate upgrade'


def fingerprint(dialect: str, tables: Sequence[Table]) -> str:
    """A digest of ``tables`` (columns, types, constraints, indexes) as created on ``dialect``."""
    digest = hashlib.sha256(f"{SCHEMA_FORMAT}:{dialect}".encode())
    for table in sorted(tables, key=lambda t: t.name):
        digest.update(repr(table).encode())
    return digest.hexdigest()


async def table_exists(run: Runner, name: str) -> bool:
    params = Params(run.conn.dialect)
    query = Statement(
        run.conn.dialect.table_exists(params.add(None)), params.binds, ("found",), (None,)
    )
    (row,) = await run.fetch(query, [name])
    return bool(row["found"])


def drop_order(tables: Sequence[Table]) -> list[Table]:
    """``tables`` with every table before the tables its foreign keys point at."""
    by_name = {t.name: t for t in tables}
    ordered: list[Table] = []
    seen: set[str] = set()

    def visit(table: Table) -> None:
        if table.name in seen:
            return
        seen.add(table.name)
        for other in tables:  # tables pointing at this one go first
            if any(c.foreign_key and c.foreign_key.table == table.name for c in other.columns):
                visit(other)
        ordered.append(table)

    for table in sorted(by_name.values(), key=lambda t: t.name):
        visit(table)
    return ordered


class SqlSchemaManager:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    def tables_by_bind(self, metas: Sequence[DocTypeMeta]) -> dict[str, list[Table]]:
        """The tables of ``metas`` grouped by database; the infra tables live in the default one."""
        grouped: dict[str, list[Table]] = {DEFAULT_BIND: list(self.db.schema.infra_tables)}
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
            digest = fingerprint(self.db.dialect(bind), tables)
            if not await self.known(bind, digest):
                from .schema_sync import sync_tables  # SQLAlchemy and Alembic, only now

                await sync_tables(self.db, bind, tables, digest)

    async def known(self, bind: str, digest: str) -> bool:
        """Whether ``fm_schema_state`` of ``bind`` holds ``digest`` (False without that table)."""
        async with self.db.transaction(write=False) as tx:
            run = Runner(await tx.connection(bind), "schema")
            if not await table_exists(run, SCHEMA_STATE_TABLE):
                return False
            params = Params(run.conn.dialect)
            match = Statement(
                f"SELECT 1 AS found FROM {SCHEMA_STATE_TABLE} WHERE fingerprint = {params.add(None)}",
                params.binds,
                ("found",),
                (None,),
            )
            return bool(await run.fetch(match, [digest]))

    async def remember(self, bind: str, digest: str) -> None:
        """Record ``digest`` in ``fm_schema_state`` of ``bind`` (creating the table if need be)."""
        async with self.db.transaction(write=True) as tx:
            run = Runner(await tx.connection(bind), "schema")
            await run.execute(Statement(CREATE_SCHEMA_STATE))
            params = Params(run.conn.dialect)
            await run.execute(
                Statement(
                    f"INSERT INTO {SCHEMA_STATE_TABLE} (fingerprint) VALUES ({params.add(None)}) "
                    "ON CONFLICT DO NOTHING",
                    params.binds,
                ),
                [digest],
            )

    async def drop(self, metas: Sequence[DocTypeMeta]) -> None:
        for bind, tables in self.tables_by_bind(metas).items():
            own = [t for t in tables if t not in self.db.schema.infra_tables]
            async with self.db.transaction(write=True) as tx:
                conn = await tx.connection(bind)
                run = Runner(conn, "schema")
                dialect = conn.dialect
                # PostgreSQL: CASCADE drops foreign keys of other tables that point here.
                suffix = " CASCADE" if dialect.name == "postgresql" else ""
                await run.execute(Statement(f"DROP TABLE IF EXISTS {SCHEMA_STATE_TABLE}"))
                for table in drop_order(own):
                    await run.execute(
                        Statement(f"DROP TABLE IF EXISTS {dialect.quote(table.name)}{suffix}")
                    )
