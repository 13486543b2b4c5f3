"""SQL Repository: documents in their DocType table, child rows in child tables, all in bulk.

A page of parents loads its children with one query per child table; inserts of many documents are one
executemany per table; updates check the version in the UPDATE itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from framework_m_core.errors import AdapterError, NotFound, VersionConflict
from framework_m_core.meta import DocTypeMeta
from framework_m_core.query import Filter, Query
from framework_m_core.types import Record, Transaction

from .database import SqlDatabase, SqlTransaction
from .driver import DriverStatement, scalar
from .engine import SqlConnection
from .errors import translated
from .filters import compile_filter, filter_params, filter_shape, order_by
from .tables import DELETED_AT, DocTables

_CHILD_LINK = ("parent", "parentfield")
STATEMENT_CACHE_SIZE = 2048
"""Prebuilt statements kept per repository; past it the oldest goes (list shapes are open-ended)."""


def sql_tx(tx: Transaction) -> SqlTransaction:
    if not isinstance(tx, SqlTransaction) or not tx.open:
        raise AdapterError("the SQL adapters need an open transaction from the SQL UnitOfWork")
    return tx


class SqlRepository:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db
        # Statements that differ only in their parameters, built once: SQLAlchemy then also reuses
        # their cache keys, which rebuilding on every call recomputes (a tenth of a get's CPU, a
        # quarter of a list's). Lists are keyed by the shape of their query, so the cache is bounded.
        self._statements: dict[tuple[Any, ...], Prepared] = {}

    def _prepared(self, key: tuple[Any, ...], build: Any) -> Prepared:
        found = self._statements.get(key)
        if found is None:
            if len(self._statements) >= STATEMENT_CACHE_SIZE:
                del self._statements[next(iter(self._statements))]
            found = self._statements[key] = Prepared(build())
        return found

    def _statement(self, key: tuple[Any, ...], build: Any) -> Any:
        return self._prepared(key, build).stmt

    async def _select(
        self, conn: SqlConnection, prepared: Prepared, params: dict[str, Any], doctype: str
    ) -> list[Record]:
        """Rows of a prepared SELECT as dicts: straight through asyncpg on PostgreSQL."""
        driver = prepared.driver(conn)
        if driver is not None:
            return await driver.fetch(conn, params, doctype)
        with translated(doctype):
            return _dicts(await conn.execute(prepared.stmt, params))

    def describe(self) -> dict[str, str]:
        """What ``m info`` shows: each database this repository writes to, password hidden."""
        return {f"database {bind}": url for bind, url in self.db.describe().items()}

    async def _conn(
        self, tx: Transaction, meta: DocTypeMeta
    ) -> tuple[SqlConnection, DocTables, str]:
        conn = await sql_tx(tx).for_meta(meta)
        return conn, self.db.schema.tables(meta), conn.dialect.name

    @staticmethod
    def _parent_row(tables: DocTables, record: Record) -> dict[str, Any]:
        return {c.name: record.get(c.name) for c in tables.table.columns if c.name != DELETED_AT}

    @staticmethod
    def _child_rows(
        tables: DocTables, records: Iterable[Record]
    ) -> dict[sa.Table, list[dict[str, Any]]]:
        rows: dict[sa.Table, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            for fieldname, table in tables.children.items():
                for child in record.get(fieldname) or []:
                    row = {
                        c.name: child.get(c.name)
                        for c in table.columns
                        if c.name not in _CHILD_LINK
                    }
                    rows[table].append({**row, "parent": record["id"], "parentfield": fieldname})
        return rows

    async def _insert_children(
        self, conn: SqlConnection, tables: DocTables, records: Iterable[Record]
    ) -> None:
        for table, rows in self._child_rows(tables, records).items():
            if rows:
                await conn.execute(
                    self._statement(("insert", table), lambda t=table: sa.insert(t)), rows
                )

    async def insert(self, tx: Transaction, meta: DocTypeMeta, records: Sequence[Record]) -> None:
        if not records:
            return
        conn, tables, _ = await self._conn(tx, meta)
        with translated(meta.name):
            insert = self._statement(("insert", tables.table), lambda: sa.insert(tables.table))
            await conn.execute(insert, [self._parent_row(tables, r) for r in records])
            await self._insert_children(conn, tables, records)

    async def _load_children(
        self, conn: SqlConnection, tables: DocTables, parents: list[Record], wanted: Iterable[str]
    ) -> None:
        """Attach child rows to ``parents``: one query per child table for the whole page."""
        wanted = [f for f in wanted if f in tables.children]
        if not parents or not wanted:
            return
        ids = [p["id"] for p in parents]
        by_parent: dict[tuple[UUID, str], list[Record]] = defaultdict(list)
        # dict, not set: a fixed statement order (two fields of one child type share a table).
        postgres = conn.dialect.name == "postgresql"
        for table in dict.fromkeys(tables.children[f] for f in wanted):
            prepared = self._prepared(
                ("children", table),
                lambda table=table: (
                    sa.select(table)
                    .where(_parent_in(table, postgres))
                    .order_by(table.c.parent, table.c.parentfield, table.c.idx)
                ),
            )
            for data in await self._select(conn, prepared, {"parents": ids}, tables.table.name):
                key = (data.pop("parent"), data.pop("parentfield"))
                by_parent[key].append(data)
        for parent in parents:
            for fieldname in wanted:
                parent[fieldname] = by_parent.get((parent["id"], fieldname), [])

    def _visible(self, tables: DocTables, include_deleted: bool) -> ColumnElement[bool]:
        return sa.true() if include_deleted else tables.table.c[DELETED_AT].is_(None)

    async def _one(
        self, tx: Transaction, meta: DocTypeMeta, by: str, value: Any, include_deleted: bool
    ) -> Record | None:
        conn, tables, _ = await self._conn(tx, meta)
        table = tables.table

        def build() -> Any:
            columns = [c for c in table.columns if c.name != DELETED_AT]
            match = table.c[by] == sa.bindparam("key", type_=table.c[by].type)
            return sa.select(*columns).where(match, self._visible(tables, include_deleted))

        prepared = self._prepared(("one", table, by, include_deleted), build)
        found = await self._select(conn, prepared, {"key": value}, meta.name)
        if not found:
            return None
        record = found[0]
        await self._load_children(conn, tables, [record], tables.children)
        return record

    async def get(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, include_deleted: bool = False
    ) -> Record | None:
        return await self._one(tx, meta, "id", id, include_deleted)

    async def get_by_name(
        self, tx: Transaction, meta: DocTypeMeta, name: str, *, include_deleted: bool = False
    ) -> Record | None:
        return await self._one(tx, meta, "name", name, include_deleted)

    async def list(self, tx: Transaction, meta: DocTypeMeta, query: Query) -> list[Record]:
        conn, tables, dialect = await self._conn(tx, meta)
        table = tables.table
        names = tuple(
            n
            for n in (query.fields or [c.name for c in table.columns if c.name != DELETED_AT])
            if n in table.c
        )

        def build() -> Any:
            where = compile_filter(table, query.filters, dialect)
            return (
                sa.select(*(table.c[n] for n in names))
                .where(
                    self._visible(tables, query.include_deleted),
                    *([where] if where is not None else []),
                )
                .order_by(*order_by(table, query.sort_keys, dialect))
                .limit(sa.bindparam("page_limit", type_=sa.Integer))
                .offset(sa.bindparam("page_offset", type_=sa.Integer))
            )

        key = (
            "list",
            table,
            names,
            query.include_deleted,
            query.sort_keys,
            filter_shape(query.filters),
        )
        prepared = self._prepared(key, build)
        params = filter_params(query.filters, dialect)
        params.update(page_limit=query.limit, page_offset=query.offset)
        wanted = (
            tables.children
            if query.fields is None
            else [f for f in query.fields if f in tables.children]
        )
        records = await self._select(conn, prepared, params, meta.name)
        await self._load_children(conn, tables, records, wanted)
        return records

    async def count(
        self,
        tx: Transaction,
        meta: DocTypeMeta,
        filters: Filter | None,
        *,
        include_deleted: bool = False,
    ) -> int:
        conn, tables, dialect = await self._conn(tx, meta)
        table = tables.table

        def build() -> Any:
            where = compile_filter(table, filters, dialect)
            return (
                sa.select(sa.func.count())
                .select_from(table)
                .where(
                    self._visible(tables, include_deleted), *([where] if where is not None else [])
                )
            )

        prepared = self._prepared(("count", table, include_deleted, filter_shape(filters)), build)
        rows = await self._select(conn, prepared, filter_params(filters, dialect), meta.name)
        return int(scalar(rows))

    async def _missing_or_stale(
        self,
        conn: SqlConnection,
        tables: DocTables,
        meta: DocTypeMeta,
        id: UUID,
        expected: int | None,
    ) -> Exception:
        table = tables.table
        current = (
            await conn.execute(
                sa.select(table.c.version, table.c.name).where(
                    table.c.id == id, table.c[DELETED_AT].is_(None)
                )
            )
        ).first()
        if current is None:
            return NotFound(
                f"{meta.name} {id} not found", details={"doctype": meta.name, "id": str(id)}
            )
        return VersionConflict(
            f"{meta.name} {current.name} was changed by someone else "
            f"(version {current.version}, you had {expected})",
            details={"doctype": meta.name, "current_version": current.version},
        )

    async def update(
        self, tx: Transaction, meta: DocTypeMeta, record: Record, *, expected_version: int
    ) -> None:
        conn, tables, _ = await self._conn(tx, meta)
        table = tables.table
        row = self._parent_row(tables, record)
        row.pop("id")

        def build() -> Any:
            return (
                sa.update(table)
                .where(
                    table.c.id == sa.bindparam("where_id", type_=table.c.id.type),
                    table.c.version == sa.bindparam("where_version", type_=table.c.version.type),
                    table.c[DELETED_AT].is_(None),
                )
                .values(
                    {name: sa.bindparam(f"set_{name}", type_=table.c[name].type) for name in row}
                )
            )

        stmt = self._statement(("update", table, tuple(row)), build)
        params = {f"set_{name}": value for name, value in row.items()}
        params.update(where_id=record["id"], where_version=expected_version)
        with translated(meta.name):
            result = await conn.execute(stmt, params)
            if result.rowcount != 1:
                raise await self._missing_or_stale(
                    conn, tables, meta, record["id"], expected_version
                )
            for child in tables.child_tables().values():
                clear = self._statement(
                    ("clear", child),
                    lambda child=child: sa.delete(child).where(
                        child.c.parent == sa.bindparam("parent_id", type_=child.c.parent.type)
                    ),
                )
                await conn.execute(clear, {"parent_id": record["id"]})
            await self._insert_children(conn, tables, [record])

    async def mark_deleted(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int, at: datetime
    ) -> None:
        conn, tables, _ = await self._conn(tx, meta)
        table = tables.table
        with translated(meta.name):
            result = await conn.execute(
                sa.update(table)
                .where(
                    table.c.id == id,
                    table.c.version == expected_version,
                    table.c[DELETED_AT].is_(None),
                )
                .values({DELETED_AT: at})
            )
            if result.rowcount != 1:
                raise await self._missing_or_stale(conn, tables, meta, id, expected_version)

    async def delete(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int | None = None
    ) -> None:
        conn, tables, _ = await self._conn(tx, meta)
        table = tables.table
        condition = [table.c.id == id]
        if expected_version is not None:
            condition.append(table.c.version == expected_version)
        with translated(meta.name):
            # Child rows go with their parent through ON DELETE CASCADE.
            result = await conn.execute(sa.delete(table).where(*condition))
            if result.rowcount != 1:
                found = (
                    await conn.execute(
                        sa.select(table.c.version, table.c.name).where(table.c.id == id)
                    )
                ).first()
                if found is None:
                    raise NotFound(
                        f"{meta.name} {id} not found", details={"doctype": meta.name, "id": str(id)}
                    )
                raise VersionConflict(
                    f"{meta.name} {found.name} was changed by someone else",
                    details={"doctype": meta.name, "current_version": found.version},
                )


class Prepared:
    """A statement built once, with its asyncpg form compiled on first use on PostgreSQL."""

    __slots__ = ("_driver", "stmt")

    def __init__(self, stmt: Any) -> None:
        self.stmt = stmt
        self._driver: DriverStatement | bool | None = False  # False: not compiled yet

    def driver(self, conn: SqlConnection) -> DriverStatement | None:
        if conn.dialect.name != "postgresql":
            return None
        if self._driver is False:
            self._driver = DriverStatement.compile(self.stmt, conn.dialect)
        return self._driver if isinstance(self._driver, DriverStatement) else None


def _parent_in(table: sa.Table, postgres: bool) -> ColumnElement[bool]:
    """``parent IN (…)``: one array parameter on PostgreSQL (the same SQL for any page size)."""
    if postgres:
        ids = sa.bindparam("parents", type_=ARRAY(table.c.parent.type))
        return table.c.parent == sa.func.any(ids)
    return table.c.parent.in_(sa.bindparam("parents", expanding=True))


def _dicts(result: sa.CursorResult[Any]) -> list[Record]:
    """Rows as plain dicts; zipping with the keys is about four times quicker than ``row._mapping``,
    which a page of rows pays for on every list."""
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]
