"""The start-up fingerprint covers everything that decides a table's DDL.

A fingerprint hashes the table descriptions (``tables.py``) and ``SCHEMA_FORMAT``; the DDL itself is
written by ``ddl.py``/``types.py`` only when a comparison runs. So the DDL of a reference schema is
pinned here to the format number: a change in how DDL is written fails this test until
``SCHEMA_FORMAT`` moves on (which makes every database compare itself again at its next start)."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from framework_m_core import MetaRegistry
from framework_m_core.builtin import app as core_app
from framework_m_standard.sql._request.tables import SqlSchema
from framework_m_standard.sql._schema.ddl import sa_tables
from framework_m_standard.sql._schema.state import SCHEMA_FORMAT, fingerprint

from .test_sql_storage import APP

PINNED = {
    2: {
        "postgresql": "d53a3d9afe4fe29dc01b7bc0ed2784f4d3595a4eac5577a0b665d934f8ad14f9",
        "sqlite": "e68c8a751dce5e080f4dd9199be0d6faf2eaec629376c8bbc514c66eb5f29968",
    }
}
"""SCHEMA_FORMAT -> digest of the reference DDL per dialect."""

DIALECTS = {"postgresql": postgresql.dialect(), "sqlite": sqlite.dialect()}


def _reference() -> SqlSchema:
    schema = SqlSchema()
    schema.build_all(MetaRegistry([core_app, APP]).metas())
    return schema


def _ddl_digest(dialect: sa.Dialect) -> str:
    schema = _reference()
    tables = [t for doc in schema._built.values() for t in doc.all_tables()]
    digest = hashlib.sha256()
    for table in sorted(sa_tables([*tables, *schema.infra_tables]), key=lambda t: t.name):
        digest.update(str(CreateTable(table).compile(dialect=dialect)).encode())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            digest.update(str(CreateIndex(index).compile(dialect=dialect)).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("name", DIALECTS)
def test_the_ddl_of_a_reference_schema_is_pinned_to_the_schema_format(name: str) -> None:
    digest = _ddl_digest(DIALECTS[name])
    assert PINNED.get(SCHEMA_FORMAT, {}).get(name) == digest, (
        f"the DDL written for {name} is not the one pinned for SCHEMA_FORMAT {SCHEMA_FORMAT}: if "
        "ddl.py or types.py changed what they write, raise SCHEMA_FORMAT and pin "
        f"{{{SCHEMA_FORMAT + 1}: {{{name!r}: {digest!r}, ...}}}}"
    )


def test_fingerprints_follow_the_tables_and_the_dialect() -> None:
    schema = _reference()
    tables = [t for doc in schema._built.values() for t in doc.all_tables()]
    assert fingerprint("sqlite", tables) == fingerprint("sqlite", list(reversed(tables)))
    assert fingerprint("sqlite", tables) != fingerprint("postgresql", tables)
    assert fingerprint("sqlite", tables) != fingerprint("sqlite", tables[1:])
