"""SQL persistence: embedded SQLite by default, PostgreSQL in production.

Requests run on the drivers (asyncpg, aiosqlite) with statements written here from the tables the
DocTypes describe; SQLAlchemy Core and Alembic create, compare and migrate those tables."""

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
