"""Requests store values exactly as SQLAlchemy's column types do (those create the tables, run the
migrations and wrote every database before the driver connections): a row written either way reads
back the same the other way, for every column type, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from pydantic import Field

from framework_m_core import App, CallerContext, ChildDocType, DocType, Link
from framework_m_core.testing import AdapterProvider
from framework_m_core.types import Record
from framework_m_standard.sql._schema.ddl import sa_table
from framework_m_standard.sql.testing import SqlKernel, open_kernel

pytestmark = pytest.mark.anyio

ADMIN = CallerContext.for_user("root@example.com", "Administrator")
OSLO = dt.timezone(dt.timedelta(hours=2))


class Line(ChildDocType):
    note: str
    amount: Decimal = Decimal(0)


class Target(DocType):
    label: str = ""


class Sample(DocType):
    text: str | None = None
    code: Annotated[str | None, Field(max_length=12)] = None
    count: int | None = None
    ratio: float | None = None
    flag: bool | None = None
    exact: Decimal | None = None
    money: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    day: dt.date | None = None
    at: dt.datetime | None = None
    clock: dt.time | None = None
    ref: UUID | None = None
    target: Annotated[UUID | None, Link("Target")] = None
    level: Literal[1, 2] = 1
    kind: Literal["a", "b"] = "a"
    data: dict[str, Any] | None = None
    lines: list[Line] = []

    class Meta:
        indexes = [("kind", "level")]
        unique_together = [("code", "kind")]


APP = App(name="storage", doctypes=[Target, Sample])

VALUES: dict[str, Any] = {
    "text": "Zürich 東京 🚀 'quoted' \"double\"",
    "code": "C-1",
    "count": 2**62,
    "ratio": -1.5e-300,
    "flag": False,
    "exact": Decimal("-12345678901234567890.000000000000000000001"),
    "money": Decimal("1234.50"),
    "day": dt.date(1999, 12, 31),
    "at": dt.datetime(2026, 3, 29, 2, 30, 15, 123456, tzinfo=OSLO),
    "clock": dt.time(23, 59, 58, 999999),
    "ref": UUID("7f1e6b1c-8d4a-4f7e-9e8b-1a2b3c4d5e6f"),
    "level": 2,
    "kind": "b",
    "data": {"nested": {"list": [1, 2.5, None, True, "x"]}, "empty": {}},
}


def _table(env: SqlKernel, doctype: type[DocType] | str) -> sa.Table:
    meta = env.kernel.meta(doctype)
    return sa_table(env.database.schema.tables(meta).table, sa.MetaData())


def _line_table(env: SqlKernel) -> sa.Table:
    tables = env.database.schema.tables(env.kernel.meta(Sample))
    return sa_table(tables.children["lines"], sa.MetaData())


async def _stored(env: SqlKernel, id: UUID) -> Record:
    repository, uow = env.adapters.repository, env.adapters.unit_of_work
    async with uow.transaction(readonly=True) as tx:
        record = await repository.get(tx, env.kernel.meta(Sample), id)
    assert record is not None
    return record


async def test_rows_written_by_requests_read_back_the_same_through_sqlalchemy(
    sql_provider: AdapterProvider,
) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        target = await env.kernel.create(ADMIN, Target, {"label": "t"})
        lines = [{"note": "first", "amount": "0.10"}, {"note": "second", "amount": "-3"}]
        doc = await env.kernel.create(
            ADMIN, Sample, {**VALUES, "target": target.id, "lines": lines}
        )
        record = await _stored(env, doc.id)
        table, line_table = _table(env, Sample), _line_table(env)
        async with env.database.engine().connect() as conn:
            row = (await conn.execute(sa.select(table).where(table.c.id == doc.id))).one()
            children = (
                await conn.execute(
                    sa.select(line_table)
                    .where(line_table.c.parent == doc.id)
                    .order_by(line_table.c.idx)
                )
            ).all()
        through_sqlalchemy = dict(row._mapping)
        assert through_sqlalchemy.pop("deleted_at") is None
        stored_lines = record.pop("lines")
        assert through_sqlalchemy == record
        assert [dict(c._mapping) for c in children] == [
            {**line, "parent": doc.id, "parentfield": "lines"} for line in stored_lines
        ]
        assert through_sqlalchemy["at"] == VALUES["at"]
        assert through_sqlalchemy["at"].tzinfo == dt.UTC


async def test_rows_written_through_sqlalchemy_read_back_the_same_through_requests(
    sql_provider: AdapterProvider,
) -> None:
    async with open_kernel(sql_provider, [APP]) as env:
        target = await env.kernel.create(ADMIN, Target, {"label": "t"})
        model = await env.kernel.create(ADMIN, Sample, {"text": "model", "kind": "a"})
        template = await _stored(env, model.id)
        template.pop("lines")
        row = {**template, **VALUES, "target": target.id, "id": uuid4(), "name": "written by sa"}
        line = {"id": uuid4(), "parent": row["id"], "parentfield": "lines", "idx": 1}
        table, line_table = _table(env, Sample), _line_table(env)
        async with env.database.engine().begin() as conn:
            await conn.execute(sa.insert(table), row)
            await conn.execute(
                sa.insert(line_table), {**line, "note": "n", "amount": Decimal("7.25")}
            )
        record = await _stored(env, row["id"])
        assert record.pop("lines") == [
            {"id": line["id"], "idx": 1, "note": "n", "amount": Decimal("7.25")}
        ]
        assert record == {**row, "at": VALUES["at"].astimezone(dt.UTC)}
        # And the Kernel serves it as the document it is, found by any of its values.
        doc = await env.kernel.get(ADMIN, Sample, row["id"])
        assert doc.model_dump(exclude={"lines"}) == {
            **{k: v for k, v in row.items() if k in Sample.model_fields},
            "at": VALUES["at"],
        }
        for field in ("text", "count", "ratio", "flag", "exact", "day", "at", "clock", "ref"):
            found = await env.kernel.list(ADMIN, Sample, filters=[[field, "=", VALUES[field]]])
            assert [d.id for d in found.items] == [row["id"]], field
        found = await env.kernel.list(
            ADMIN, Sample, filters=[["ref", "in", [VALUES["ref"], uuid4()]], ["level", "in", [2]]]
        )
        assert [d.id for d in found.items] == [row["id"]]
