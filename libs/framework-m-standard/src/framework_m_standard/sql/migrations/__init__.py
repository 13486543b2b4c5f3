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
    from .progress import Progress
    from .project import VERSION_TABLE, MigrationProject, migrations_directory, target_metadata
    from .review import RenameHint, Review
    from .runner import Migrations, Status

_HOMES = {
    "Progress": "progress",
    "VERSION_TABLE": "project",
    "MigrationProject": "project",
    "migrations_directory": "project",
    "target_metadata": "project",
    "RenameHint": "review",
    "Review": "review",
    "Migrations": "runner",
    "Status": "runner",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)


__all__ = [
    "VERSION_TABLE",
    "MigrationProject",
    "Migrations",
    "Progress",
    "RenameHint",
    "Review",
    "Status",
    "migrations_directory",
    "target_metadata",
]
