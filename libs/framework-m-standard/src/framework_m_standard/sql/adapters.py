"""Entry-point factories: the SQL adapters registered as the ``default`` of each persistence port.

They are registered exactly as a third-party package would register its own (see pyproject.toml), and
share one ``SqlDatabase`` per application through ``AdapterEnv.shared``.
"""

from __future__ import annotations

from framework_m_core.composition import AdapterEnv

from .config import database_config, migrations_directory
from .database import SqlDatabase
from .naming_counter import SqlNamingCounter
from .outbox import SqlOutbox
from .repository import SqlRepository
from .schema_manager import SqlSchemaManager
from .unit_of_work import SqlUnitOfWork


def database(env: AdapterEnv) -> SqlDatabase:
    return env.shared(
        "sql.database",
        lambda: SqlDatabase(database_config(env.settings)),
        close=SqlDatabase.dispose,
    )


def repository(env: AdapterEnv) -> SqlRepository:
    return SqlRepository(database(env))


def unit_of_work(env: AdapterEnv) -> SqlUnitOfWork:
    return SqlUnitOfWork(database(env))


def schema_manager(env: AdapterEnv) -> SqlSchemaManager:
    db = database(env)
    return SqlSchemaManager(db, migrations_directory(env.settings, db.config))


def naming_counter(env: AdapterEnv) -> SqlNamingCounter:
    return SqlNamingCounter(database(env))


def outbox(env: AdapterEnv) -> SqlOutbox:
    return SqlOutbox(database(env))
