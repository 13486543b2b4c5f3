"""SQL Repository: documents in their DocType table, child rows in child tables, all in bulk.

A page of parents loads its children with one query per child table; inserts of many documents are one
executemany per table; updates check the version in the UPDATE itself.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from framework_m_core.errors import AdapterError, NotFound, VersionConflict
from framework_m_core.meta import DocTypeMeta
from framework_m_core.query import Filter, Query
from framework_m_core.types import Record, Transaction

from ._request import statements as sql
from ._request.compiler import filter_shape, filter_values, order_by, where
from ._request.dialects import Dialect
from ._request.statements import Params, Runner, Statement
from ._request.tables import DELETED_AT, DocTables, Table
from .database import SqlDatabase, SqlTransaction

STATEMENT_CACHE_SIZE = 2048
"""Statements kept per repository; past it the least recently used goes (list shapes are open-ended)."""


def sql_tx(tx: Transaction) -> SqlTransaction:
    if not isinstance(tx, SqlTransaction) or not tx.open:
        raise AdapterError("the SQL adapters need an open transaction from the SQL UnitOfWork")
    return tx


def _conditions(
    dialect: Dialect, table: Table, filters: Filter | None, include_deleted: bool, params: Params
) -> list[str]:
    """The WHERE conditions of a list or count: not soft-deleted (unless asked), and the filter."""
    clauses = sql.visible(dialect, include_deleted)
    condition = where(table, filters, dialect, params)
    if condition is not None:
        clauses.append(condition)
    return clauses


class SqlRepository:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db
        # Statements differ only in their parameters per table and query shape: each is written
        # once. Lists are keyed by the shape of their query, so the cache is bounded.
        self._statements: OrderedDict[Hashable, Statement] = OrderedDict()

    def _statement(self, key: Hashable, build: Callable[[], Statement]) -> Statement:
        found = self._statements.get(key)
        if found is None:
            if len(self._statements) >= STATEMENT_CACHE_SIZE:
                self._statements.popitem(last=False)
            found = self._statements[key] = build()
        else:
            self._statements.move_to_end(key)
        return found

    def describe(self) -> dict[str, str]:
        """What ``m info`` shows: each database this repository writes to, password hidden."""
        return {f"database {bind}": url for bind, url in self.db.describe().items()}

    async def _open(self, tx: Transaction, meta: DocTypeMeta) -> tuple[Runner, DocTables, Dialect]:
        conn = await sql_tx(tx).for_meta(meta)
        return Runner(conn, meta.name), self.db.schema.tables(meta), conn.dialect

    # ------------------------------------------------------------------ writes

    def _insert(self, dialect: Dialect, table: Table) -> Statement:
        return self._statement(
            ("insert", dialect.name, table), partial(sql.insert, dialect, table, table.stored)
        )

    @staticmethod
    def _child_rows(tables: DocTables, records: Iterable[Record]) -> dict[Table, list[list[Any]]]:
        rows: dict[Table, list[list[Any]]] = defaultdict(list)
        for record in records:
            for fieldname, table in tables.children.items():
                link = {"parent": record["id"], "parentfield": fieldname}
                for child in record.get(fieldname) or []:
                    rows[table].append([link.get(c, child.get(c)) for c in table.stored])
        return rows

    async def _insert_children(
        self, run: Runner, dialect: Dialect, tables: DocTables, records: Iterable[Record]
    ) -> None:
        for table, rows in self._child_rows(tables, records).items():
            await run.executemany(self._insert(dialect, table), rows)

    async def insert(self, tx: Transaction, meta: DocTypeMeta, records: Sequence[Record]) -> None:
        if not records:
            return
        run, tables, dialect = await self._open(tx, meta)
        names = tables.table.stored
        await run.executemany(
            self._insert(dialect, tables.table), ([r.get(n) for n in names] for r in records)
        )
        await self._insert_children(run, dialect, tables, records)

    async def update(
        self, tx: Transaction, meta: DocTypeMeta, record: Record, *, expected_version: int
    ) -> None:
        run, tables, dialect = await self._open(tx, meta)
        table = tables.table
        names = table.stored[1:]  # all but id
        stmt = self._statement(
            ("update", dialect.name, table),
            lambda: sql.update_where(dialect, table, names, ("id", "version"), only_visible=True),
        )
        values = [record.get(n) for n in names]
        if await run.execute(stmt, [*values, record["id"], expected_version]) != 1:
            raise await self._missing_or_stale(run, dialect, tables, record["id"], expected_version)
        for child in tables.child_tables.values():
            clear = self._statement(
                ("clear", dialect.name, child),
                partial(sql.delete_where, dialect, child, ("parent",)),
            )
            await run.execute(clear, [record["id"]])
        await self._insert_children(run, dialect, tables, [record])

    async def mark_deleted(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int, at: datetime
    ) -> None:
        run, tables, dialect = await self._open(tx, meta)
        table = tables.table
        stmt = self._statement(
            ("mark_deleted", dialect.name, table),
            lambda: sql.update_where(
                dialect, table, (DELETED_AT,), ("id", "version"), only_visible=True
            ),
        )
        if await run.execute(stmt, [at, id, expected_version]) != 1:
            raise await self._missing_or_stale(run, dialect, tables, id, expected_version)

    async def delete(
        self, tx: Transaction, meta: DocTypeMeta, id: UUID, *, expected_version: int | None = None
    ) -> None:
        run, tables, dialect = await self._open(tx, meta)
        table = tables.table
        keys = ("id",) if expected_version is None else ("id", "version")
        stmt = self._statement(
            ("delete", dialect.name, table, keys), lambda: sql.delete_where(dialect, table, keys)
        )
        # Child rows go with their parent through ON DELETE CASCADE.
        values = [id] if expected_version is None else [id, expected_version]
        if await run.execute(stmt, values) != 1:
            raise await self._missing_or_stale(
                run, dialect, tables, id, expected_version, include_deleted=True
            )

    async def _missing_or_stale(
        self,
        run: Runner,
        dialect: Dialect,
        tables: DocTables,
        id: UUID,
        expected: int | None,
        *,
        include_deleted: bool = False,
    ) -> Exception:
        table, meta = tables.table, tables.meta
        stmt = self._statement(
            ("current", dialect.name, table, include_deleted),
            lambda: sql.select_by(dialect, table, "id", ("version", "name"), include_deleted),
        )
        found = await run.fetch(stmt, [id])
        if not found:
            return NotFound(
                f"{meta.name} {id} not found", details={"doctype": meta.name, "id": str(id)}
            )
        current = found[0]
        had = "" if expected is None else f" (version {current['version']}, you had {expected})"
        return VersionConflict(
            f"{meta.name} {current['name']} was changed by someone else{had}",
            details={"doctype": meta.name, "current_version": current["version"]},
        )

    # ------------------------------------------------------------------ reads

    async def _load_children(
        self,
        run: Runner,
        dialect: Dialect,
        tables: DocTables,
        parents: list[Record],
        wanted: Iterable[str],
    ) -> None:
        """Attach child rows to ``parents``: one query per child table for the whole page."""
        wanted = [f for f in wanted if f in tables.children]
        if not parents or not wanted:
            return
        ids = [p["id"] for p in parents]
        by_parent: dict[tuple[UUID, str], list[Record]] = defaultdict(list)
        # dict, not set: a fixed statement order (two fields of one child type share a table).
        for table in dict.fromkeys(tables.children[f] for f in wanted):
            stmt = self._statement(
                ("children", dialect.name, table), partial(sql.select_children, dialect, table)
            )
            for data in await run.fetch(stmt, [ids]):
                key = (data.pop("parent"), data.pop("parentfield"))
                by_parent[key].append(data)
        for parent in parents:
            for fieldname in wanted:
                parent[fieldname] = by_parent.get((parent["id"], fieldname), [])

    async def _one(
        self, tx: Transaction, meta: DocTypeMeta, by: str, value: Any, include_deleted: bool
    ) -> Record | None:
        run, tables, dialect = await self._open(tx, meta)
        table = tables.table
        stmt = self._statement(
            ("one", dialect.name, table, by, include_deleted),
            lambda: sql.select_by(dialect, table, by, table.stored, include_deleted),
        )
        found = await run.fetch(stmt, [value])
        if not found:
            return None
        record = found[0]
        await self._load_children(run, dialect, tables, [record], tables.children)
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
        run, tables, dialect = await self._open(tx, meta)
        table = tables.table
        names = tuple(n for n in (query.fields or table.stored) if n in table.c)

        def build() -> Statement:
            params = Params(dialect)
            clauses = _conditions(dialect, table, query.filters, query.include_deleted, params)
            tail = order_by(table, query.sort_keys, dialect)
            tail += f" LIMIT {params.add(None)} OFFSET {params.add(None)}"
            return sql.select_where(dialect, table, names, clauses, params, tail)

        key = (
            "list",
            dialect.name,
            table,
            names,
            query.include_deleted,
            query.sort_keys,
            filter_shape(query.filters),
        )
        stmt = self._statement(key, build)
        records = await run.fetch(stmt, [*filter_values(query.filters), query.limit, query.offset])
        wanted = tables.children if query.fields is None else query.fields
        await self._load_children(run, dialect, tables, records, wanted)
        return records

    async def count(
        self,
        tx: Transaction,
        meta: DocTypeMeta,
        filters: Filter | None,
        *,
        include_deleted: bool = False,
    ) -> int:
        run, tables, dialect = await self._open(tx, meta)
        table = tables.table

        def build() -> Statement:
            params = Params(dialect)
            clauses = _conditions(dialect, table, filters, include_deleted, params)
            text = f"SELECT count(*) AS count FROM {dialect.quote(table.name)}"
            if clauses:
                text += " WHERE " + " AND ".join(clauses)
            return Statement(text, params.binds, ("count",), (None,))

        key = ("count", dialect.name, table, include_deleted, filter_shape(filters))
        (row,) = await run.fetch(self._statement(key, build), filter_values(filters))
        return int(row["count"])
