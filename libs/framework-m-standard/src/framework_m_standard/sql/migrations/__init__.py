"""Alembic migrations of the default SQL database, with the schema derived from the installed DocTypes.

``m migrate`` is the interface; ``Migrations`` is the same thing for code (tests, Studio, deploy
scripts). See docs/migrations.md for the workflow and docs/adr/0002-migrations.md for the decisions.
"""

from .progress import Progress
from .project import VERSION_TABLE, MigrationProject, migrations_directory, target_metadata
from .review import RenameHint, Review
from .runner import Migrations, Status

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
