"""What ``m doctor`` checks of an SQL database: it answers, and its schema is where start-up needs it.

The SQL schema manager runs these for the CLI (``SelfDiagnosing``), so ``m doctor`` itself knows
nothing of SQL. Like the command, they only read: the migrations are compared, never applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework_m_core.composition import Diagnosis
from framework_m_core.errors import FrameworkError

from ._schema.migrations.project import MigrationProject
from .database import DEFAULT_BIND

if TYPE_CHECKING:
    from framework_m_core.registry import MetaRegistry

    from .schema_manager import SqlSchemaManager


def _text(exc: BaseException) -> str:
    message = exc.message if isinstance(exc, FrameworkError) else f"{type(exc).__name__}: {exc}"
    return " ".join(message.split())


async def diagnose(
    manager: SqlSchemaManager, registry: MetaRegistry, *, dev_mode: bool
) -> list[Diagnosis]:
    """``database`` (reachable), then ``migrations``: at the latest revision and matching the
    DocTypes, or — without revisions — a warning outside dev mode that start-up keeps the schema."""
    db = manager.db
    where = db.describe()[DEFAULT_BIND]
    try:
        await db.ping()
    except Exception as exc:
        return [Diagnosis("database", "error", f"{where} is not reachable: {_text(exc)}")]
    found = [Diagnosis("database", "ok", f"{where} reachable")]
    project = MigrationProject(db, tuple(registry.metas()), manager.migrations)
    if not project.adopted:
        found.append(
            Diagnosis(
                "migrations",
                "ok" if dev_mode else "warning",
                ("dev mode: " if dev_mode else "")
                + "no migration revisions: start-up creates tables and adds columns itself "
                "(safe changes only); run m migrate revision --autogenerate before production",
            )
        )
        return found
    from ._schema.migrations.runner import Migrations  # Alembic: only for a migrated project

    try:
        await Migrations(project).verify()
    except FrameworkError as exc:
        found.append(Diagnosis("migrations", "error", _text(exc)))
    else:
        found.append(Diagnosis("migrations", "ok", "the database is at the latest revision"))
    return found
