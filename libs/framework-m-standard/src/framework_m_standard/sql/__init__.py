"""SQL persistence: embedded SQLite by default, PostgreSQL in production.

One module per port at the top — ``repository``, ``unit_of_work``, ``schema_manager``,
``naming_counter``, ``outbox`` — over the ``SqlDatabase`` they share (``database``), with the settings
(``config``), the entry-point factories (``adapters``), the start-up step (``bootstrap``), the
``m migrate`` command and ``m doctor``'s checks this package brings (``commands``, ``diagnosis``), the
migrations API (``migrations``), the column types revision files import (``types``) and test support
(``testing``). Internals are private in two folders: ``_request`` (driver connections and pools,
dialects and codecs, statements, error translation — no SQLAlchemy) and ``_schema`` (DDL, the automatic
sync, migrations — SQLAlchemy and Alembic, imported only for schema work).
"""

from .config import DatabaseConfig, database_config
from .database import SqlDatabase, SqlTransaction
from .naming_counter import SqlNamingCounter
from .outbox import SqlOutbox
from .repository import SqlRepository
from .schema_manager import SqlSchemaManager
from .unit_of_work import SqlUnitOfWork

__all__ = [
    "DatabaseConfig",
    "SqlDatabase",
    "SqlNamingCounter",
    "SqlOutbox",
    "SqlRepository",
    "SqlSchemaManager",
    "SqlTransaction",
    "SqlUnitOfWork",
    "database_config",
]
