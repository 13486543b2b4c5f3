"""Alembic migrations of the default SQL database, with the schema derived from the installed DocTypes.

``m migrate`` is the interface; ``Migrations`` is the same thing for code (tests, Studio, deploy
scripts). See docs/migrations.md for the workflow and docs/adr/0002-migrations.md for the decisions.

The names below are loaded on first use: start-up only asks ``project`` whether the project has
migrations, and a project without them should not pay for importing Alembic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._schema.migrations.progress import Progress
    from ._schema.migrations.project import (
        VERSION_TABLE,
        MigrationProject,
        doctype_tables,
        target_metadata,
    )
    from ._schema.migrations.review import RenameHint, Review, recorded_renames
    from ._schema.migrations.runner import Migrations, Status, Written
    from .config import RECORDED_RENAMES, migrations_directory

_MIGRATIONS = "._schema.migrations."
_HOMES = {
    "Progress": _MIGRATIONS + "progress",
    "VERSION_TABLE": _MIGRATIONS + "project",
    "MigrationProject": _MIGRATIONS + "project",
    "doctype_tables": _MIGRATIONS + "project",
    "target_metadata": _MIGRATIONS + "project",
    "RenameHint": _MIGRATIONS + "review",
    "Review": _MIGRATIONS + "review",
    "recorded_renames": _MIGRATIONS + "review",
    "Migrations": _MIGRATIONS + "runner",
    "Status": _MIGRATIONS + "runner",
    "Written": _MIGRATIONS + "runner",
    "RECORDED_RENAMES": ".config",
    "migrations_directory": ".config",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home, __package__), name)


__all__ = [
    "RECORDED_RENAMES",
    "VERSION_TABLE",
    "MigrationProject",
    "Migrations",
    "Progress",
    "RenameHint",
    "Review",
    "Status",
    "Written",
    "doctype_tables",
    "migrations_directory",
    "recorded_renames",
    "target_metadata",
]
