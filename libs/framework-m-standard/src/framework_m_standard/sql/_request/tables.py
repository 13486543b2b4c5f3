"""The tables derived from DocTypes, described as plain data: one per DocType, one per child DocType it uses.

Parent tables hold the standard fields, every stored field and a ``deleted_at`` soft-delete column.
Child tables hold ``id``, ``parent`` (a foreign key that cascades), ``parentfield`` and ``idx``. Link
fields are foreign keys to the target's ``id`` when both live in the same database.

Nothing here imports SQLAlchemy: a serving process builds its statements from these descriptions
(``statements.py``), and only schema work — creating tables, comparing them, migrations — turns them
into SQLAlchemy tables (``ddl.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from framework_m_core.meta import DocTypeMeta, FieldSpec

from .names import bounded, child_table, index_name, parent_table

DELETED_AT = "deleted_at"
KERNEL_SET = frozenset({"creation", "modified"})
"""Standard fields the Kernel always sets: NOT NULL here, so ordering by them can use a plain index."""

StoredAs = Literal[
    "text", "bigint", "integer", "double", "boolean", "decimal", "date", "datetime", "time", "uuid",
    "json",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ColumnType:
    """How a column stores its values; ``types.py`` maps it to SQL types, ``dialects.py`` to codecs.

    ``text`` compares by code point on every database; ``datetime`` is always timezone-aware UTC;
    ``decimal`` is exact (``NUMERIC(precision, scale)`` when both are given)."""

    stored_as: StoredAs
    length: int | None = None
    precision: int | None = None
    scale: int | None = None


TEXT = ColumnType("text")
UUID = ColumnType("uuid")
DATETIME = ColumnType("datetime")


def column_type(spec: FieldSpec) -> ColumnType:
    """The column type of a stored (non-table) field."""
    kind = spec.kind
    if kind == "data":
        return ColumnType("text", length=spec.max_length)
    if kind == "select":
        # Options are enforced by a CHECK constraint; the column itself does not limit them.
        return TEXT if all(isinstance(o, str) for o in spec.options) else ColumnType("bigint")
    simple: dict[str, StoredAs] = {
        "int": "bigint",
        "float": "double",
        "bool": "boolean",
        "date": "date",
        "datetime": "datetime",
        "time": "time",
        "uuid": "uuid",
        "link": "uuid",
        "json": "json",
    }
    if kind in simple:
        return ColumnType(simple[kind])
    if kind == "decimal":
        return ColumnType("decimal", precision=spec.max_digits, scale=spec.decimal_places)
    raise ValueError(f"field {spec.name!r} of kind {kind!r} has no column")


@dataclass(frozen=True, slots=True)
class ForeignKey:
    table: str  # references table.id
    name: str
    ondelete: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """``column IN (options)``."""

    name: str
    options: tuple[Any, ...]

    @property
    def sql(self) -> str:
        return ", ".join(
            "'" + o.replace("'", "''") + "'" if isinstance(o, str) else str(int(o))
            for o in self.options
        )


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = True
    primary_key: bool = False
    foreign_key: ForeignKey | None = None
    check: Check | None = None


@dataclass(frozen=True, slots=True)
class Constraint:
    """A unique constraint or a (non-unique) index over ``columns``."""

    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Table:
    """A table; compared and hashed by identity (statement caches key on it)."""

    name: str
    columns: tuple[Column, ...]
    uniques: tuple[Constraint, ...] = ()
    indexes: tuple[Constraint, ...] = ()

    @cached_property
    def c(self) -> Mapping[str, Column]:
        """Columns by name."""
        return {column.name: column for column in self.columns}

    @cached_property
    def stored(self) -> tuple[str, ...]:
        """The columns a document carries: all but ``deleted_at``."""
        return tuple(c.name for c in self.columns if c.name != DELETED_AT)


@dataclass(frozen=True)
class DocTables:
    """The tables of one DocType: its own, and the child table of each table field."""

    meta: DocTypeMeta
    table: Table
    children: Mapping[str, Table]  # table fieldname -> child table

    @cached_property
    def child_tables(self) -> Mapping[str, Table]:
        """Distinct child tables by name (two fields of one child type share a table)."""
        return {t.name: t for t in self.children.values()}

    def all_tables(self) -> list[Table]:
        return [self.table, *self.child_tables.values()]


OUTBOX = Table(
    "fm_outbox",
    (
        Column("id", UUID, nullable=False, primary_key=True),
        Column("type", ColumnType("text", length=40), nullable=False),
        Column("doctype", ColumnType("text", length=140), nullable=False),
        Column("document_id", UUID, nullable=False),
        Column("document_name", TEXT),
        Column("time", DATETIME, nullable=False),
        Column("actor", TEXT, nullable=False),
        Column("tenant", TEXT),
        Column("source", TEXT, nullable=False),
        Column("data", ColumnType("json"), nullable=False),
        Column("published_at", DATETIME),
    ),
    indexes=(Constraint("ix_fm_outbox_pending", ("published_at", "id")),),
)
NAMING = Table(
    "fm_naming_series",
    (
        Column("key", TEXT, nullable=False, primary_key=True),
        Column("current", ColumnType("bigint"), nullable=False),
    ),
)


@dataclass
class SqlSchema:
    """Builds and caches the tables of DocTypes.

    ``same_database(a, b)`` says whether DocTypes ``a`` and ``b`` live in one database; links across
    databases get no foreign key."""

    same_database: Callable[[str, str], bool] = lambda a, b: True
    _built: dict[str, DocTables] = field(default_factory=dict)
    outbox: Table = OUTBOX
    naming: Table = NAMING

    @property
    def infra_tables(self) -> list[Table]:
        return [self.outbox, self.naming]

    def tables(self, meta: DocTypeMeta) -> DocTables:
        """The tables of ``meta``, built on first use (rebuilt if another meta of that name comes)."""
        cached = self._built.get(meta.name)
        if cached is not None and cached.meta is meta:
            return cached
        built = self._build(meta)
        self._built[meta.name] = built
        return built

    def build_all(self, metas: Iterable[DocTypeMeta]) -> list[DocTables]:
        return [self.tables(m) for m in metas]

    def _columns(self, meta: DocTypeMeta, table: str, owner: str, skip: set[str]) -> list[Column]:
        columns: list[Column] = []
        for spec in meta.data_fields:
            if spec.name in skip:
                continue
            fk = None
            if spec.link_doctype and self.same_database(owner, spec.link_doctype):
                fk = ForeignKey(
                    parent_table(spec.link_doctype), bounded(f"fk_{table}__{spec.name}")
                )
            check = None
            if spec.kind == "select" and spec.options:
                check = Check(bounded(f"ck_{table}__{spec.name}"), spec.options)
            nullable = spec.nullable and not (spec.standard and spec.name in KERNEL_SET)
            columns.append(Column(spec.name, column_type(spec), nullable, False, fk, check))
        return columns

    def _build(self, meta: DocTypeMeta) -> DocTables:
        name = parent_table(meta.name)
        table = Table(
            name,
            (
                Column("id", UUID, nullable=False, primary_key=True),
                Column("name", TEXT, nullable=False),
                Column(DELETED_AT, DATETIME),
                *self._columns(meta, name, meta.name, {"id", "name"}),
            ),
            uniques=(
                Constraint(index_name(name, ("name",), unique=True), ("name",)),
                *(
                    Constraint(index_name(name, group, unique=True), group)
                    for group in meta.options.unique_together
                ),
            ),
            indexes=(
                Constraint(index_name(name, ("owner",)), ("owner",)),
                Constraint(index_name(name, ("modified",)), ("modified",)),
                *(Constraint(index_name(name, group), group) for group in meta.options.indexes),
            ),
        )
        children: dict[str, Table] = {}
        by_name: dict[str, Table] = {}
        for fieldname, child_meta in meta.children.items():
            cname = child_table(meta.name, child_meta.name)
            if cname not in by_name:
                parent_fk = ForeignKey(name, bounded(f"fk_{cname}__parent"), ondelete="CASCADE")
                link = ("parent", "parentfield", "idx")
                by_name[cname] = Table(
                    cname,
                    (
                        Column("id", UUID, nullable=False, primary_key=True),
                        Column("parent", UUID, nullable=False, foreign_key=parent_fk),
                        Column("parentfield", ColumnType("text", length=140), nullable=False),
                        Column("idx", ColumnType("integer"), nullable=False),
                        *self._columns(child_meta, cname, meta.name, {"id", "idx"}),
                    ),
                    indexes=(Constraint(index_name(cname, link), link),),
                )
            children[fieldname] = by_name[cname]
        return DocTables(meta, table, children)
