"""SQLAlchemy Core tables derived from DocTypes (no ORM): one per DocType, one per child DocType it uses.

Parent tables hold the standard fields, every stored field and a ``deleted_at`` soft-delete column.
Child tables hold ``id``, ``parent`` (a foreign key that cascades), ``parentfield`` and ``idx``. Link
fields are foreign keys to the target's ``id`` when both live in the same database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import SchemaItem

from framework_m_core.meta import DocTypeMeta

from .names import bounded, child_table, index_name, parent_table
from .types import JSON_TYPE, UUID_TYPE, UTCDateTime, column_type, text_type

DELETED_AT = "deleted_at"
KERNEL_SET = frozenset({"creation", "modified"})
"""Standard fields the Kernel always sets: NOT NULL here, so ordering by them can use a plain index."""


@dataclass(frozen=True)
class DocTables:
    """The tables of one DocType: its own, and the child table of each table field."""

    meta: DocTypeMeta
    table: sa.Table
    children: Mapping[str, sa.Table]  # table fieldname -> child table

    def child_tables(self) -> dict[str, sa.Table]:
        """Distinct child tables by name (two fields of one child type share a table)."""
        return {t.name: t for t in self.children.values()}

    def all_tables(self) -> list[sa.Table]:
        return [self.table, *self.child_tables().values()]


def _select_check(table: str, column: str, options: tuple[Any, ...]) -> sa.CheckConstraint:
    values = ", ".join(
        "'" + o.replace("'", "''") + "'" if isinstance(o, str) else str(int(o)) for o in options
    )
    return sa.CheckConstraint(f"{column} IN ({values})", name=bounded(f"ck_{table}__{column}"))


@dataclass
class SqlSchema:
    """Builds and caches DocType tables in one MetaData (foreign keys need both ends there).

    ``same_database(a, b)`` says whether DocTypes ``a`` and ``b`` live in one database; links across
    databases get no foreign key."""

    same_database: Callable[[str, str], bool] = lambda a, b: True
    metadata: sa.MetaData = field(default_factory=sa.MetaData)
    _built: dict[str, DocTables] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.outbox = sa.Table(
            "fm_outbox",
            self.metadata,
            sa.Column("id", UUID_TYPE, primary_key=True),
            sa.Column("type", text_type(40), nullable=False),
            sa.Column("doctype", text_type(140), nullable=False),
            sa.Column("document_id", UUID_TYPE, nullable=False),
            sa.Column("document_name", text_type(), nullable=True),
            sa.Column("time", UTCDateTime(), nullable=False),
            sa.Column("actor", text_type(), nullable=False),
            sa.Column("tenant", text_type(), nullable=True),
            sa.Column("source", text_type(), nullable=False),
            sa.Column("data", JSON_TYPE, nullable=False),
            sa.Column("published_at", UTCDateTime(), nullable=True),
            sa.Index("ix_fm_outbox_pending", "published_at", "id"),
        )
        self.naming = sa.Table(
            "fm_naming_series",
            self.metadata,
            sa.Column("key", text_type(), primary_key=True),
            sa.Column("current", sa.BigInteger(), nullable=False),
        )

    @property
    def infra_tables(self) -> list[sa.Table]:
        return [self.outbox, self.naming]

    def tables(self, meta: DocTypeMeta) -> DocTables:
        """The tables of ``meta``, built on first use (rebuilt if another meta of that name comes)."""
        cached = self._built.get(meta.name)
        if cached is not None and cached.meta is meta:
            return cached
        if cached is not None:
            for table in cached.all_tables():
                self.metadata.remove(table)
        built = self._build(meta)
        self._built[meta.name] = built
        return built

    def build_all(self, metas: Iterable[DocTypeMeta]) -> list[DocTables]:
        return [self.tables(m) for m in metas]

    def _columns(
        self, meta: DocTypeMeta, table: str, owner: str, skip: set[str]
    ) -> list[sa.Column[Any]]:
        columns: list[sa.Column[Any]] = []
        for spec in meta.data_fields:
            if spec.name in skip:
                continue
            args: list[SchemaItem] = []
            if spec.link_doctype and self.same_database(owner, spec.link_doctype):
                fk = bounded(f"fk_{table}__{spec.name}")
                args.append(sa.ForeignKey(f"{parent_table(spec.link_doctype)}.id", name=fk))
            if spec.kind == "select" and spec.options:
                args.append(_select_check(table, spec.name, spec.options))
            nullable = spec.nullable and not (spec.standard and spec.name in KERNEL_SET)
            columns.append(sa.Column(spec.name, column_type(spec), *args, nullable=nullable))
        return columns

    def _build(self, meta: DocTypeMeta) -> DocTables:
        name = parent_table(meta.name)
        items: list[SchemaItem] = [
            sa.Column("id", UUID_TYPE, primary_key=True),
            sa.Column("name", text_type(), nullable=False),
            sa.Column(DELETED_AT, UTCDateTime(), nullable=True),
            *self._columns(meta, name, meta.name, {"id", "name"}),
            sa.UniqueConstraint("name", name=index_name(name, ("name",), unique=True)),
            sa.Index(index_name(name, ("owner",)), "owner"),
            sa.Index(index_name(name, ("modified",)), "modified"),
            *(sa.Index(index_name(name, group), *group) for group in meta.options.indexes),
            *(
                sa.UniqueConstraint(*group, name=index_name(name, group, unique=True))
                for group in meta.options.unique_together
            ),
        ]
        table = sa.Table(name, self.metadata, *items)
        children: dict[str, sa.Table] = {}
        by_name: dict[str, sa.Table] = {}
        for fieldname, child_meta in meta.children.items():
            cname = child_table(meta.name, child_meta.name)
            if cname not in by_name:
                by_name[cname] = sa.Table(
                    cname,
                    self.metadata,
                    sa.Column("id", UUID_TYPE, primary_key=True),
                    sa.Column(
                        "parent",
                        UUID_TYPE,
                        sa.ForeignKey(
                            f"{name}.id", ondelete="CASCADE", name=bounded(f"fk_{cname}__parent")
                        ),
                        nullable=False,
                    ),
                    sa.Column("parentfield", text_type(140), nullable=False),
                    sa.Column("idx", sa.Integer(), nullable=False),
                    *self._columns(child_meta, cname, meta.name, {"id", "idx"}),
                    sa.Index(
                        index_name(cname, ("parent", "parentfield", "idx")),
                        "parent",
                        "parentfield",
                        "idx",
                    ),
                )
            children[fieldname] = by_name[cname]
        return DocTables(meta, table, children)
