"""What a start-up checks before any schema work: fingerprints of table sets in ``fm_schema_state``.

A fingerprint of the tables is recorded once a sync (or a migration check) leaves them in place, and a
start-up that finds its fingerprint there skips the comparison: it is most of a warm start-up's cost,
and neither SQLAlchemy nor Alembic need be imported. This module needs neither, so the request path may
import it; ``sync.py`` (the comparison itself) and ``SqlSchemaManager`` both build on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .._request.statements import Params, Runner, Statement
from .._request.tables import Table

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


async def is_recorded(run: Runner, digest: str) -> bool:
    """Whether ``fm_schema_state`` holds ``digest`` (False without that table)."""
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


async def record(run: Runner, digest: str) -> None:
    """Add ``digest`` to ``fm_schema_state`` (creating the table if need be)."""
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
