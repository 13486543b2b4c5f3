"""A project's migrations: where its revision files live and the schema they must produce.

Projects carry no Alembic boilerplate. ``env.py`` and ``script.py.mako`` ship in this package (Alembic's
``script_location``); only the revision files live in the project, in the directory named by
``[database] migrations`` (default ``migrations/`` next to framework_config.toml — Alembic's
``version_locations``). The schema they describe is derived from the installed DocTypes exactly like the
tables the adapters use, so migrations and runtime can never disagree about a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from framework_m_core.meta import DocTypeMeta

from ..._request.names import child_table, parent_table
from ...database import DEFAULT_BIND, SqlDatabase

if TYPE_CHECKING:  # Alembic and SQLAlchemy are imported where they are used: a start-up that
    import sqlalchemy as sa  # needs no migration never loads them
    from alembic.config import Config
    from alembic.script import Script, ScriptDirectory

VERSION_TABLE = "fm_schema_version"
"""Where Alembic records the revision a database is at (``fm_`` like the other framework tables)."""
SCRIPT_LOCATION = Path(__file__).parent
FILE_TEMPLATE = "%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s"


def target_metadata(db: SqlDatabase, metas: Sequence[DocTypeMeta]) -> sa.MetaData:
    """The schema of the default database: the framework's own tables and every DocType stored there.

    DocTypes configured into other binds are left out: migrations manage the default database only
    (see docs/adr/0002-migrations.md)."""
    import sqlalchemy as sa

    from ..ddl import sa_tables

    metadata = sa.MetaData()
    sa_tables(db.tables_by_bind(metas).get(DEFAULT_BIND, []), metadata)
    return metadata


def doctype_tables(metas: Sequence[DocTypeMeta]) -> dict[str, list[str]]:
    """DocType name → the tables holding its fields (a child DocType has one table per parent), so a
    rename given as ``DocType.field`` can be found in the migration's table operations."""
    found: dict[str, list[str]] = {}
    for meta in metas:
        found.setdefault(meta.name, []).append(parent_table(meta.name))
        for child in meta.children.values():
            found.setdefault(child.name, []).append(child_table(meta.name, child.name))
    return {name: sorted(set(tables)) for name, tables in found.items()}


@dataclass(frozen=True)
class MigrationProject:
    """The migrations of one application: revision files, the database and the target schema."""

    db: SqlDatabase
    metas: tuple[DocTypeMeta, ...]
    directory: Path

    def config(self) -> Config:
        """An Alembic configuration made in code (no alembic.ini); ``%`` in paths is escaped because
        Alembic interpolates option values."""
        from argparse import Namespace  # like Alembic: not needed by a start-up that skips it

        from alembic.config import Config

        config = Config(cmd_opts=Namespace(quiet=True))
        config.set_main_option("script_location", _escape(str(SCRIPT_LOCATION)))
        config.set_main_option("version_locations", _escape(str(self.directory)))
        config.set_main_option("path_separator", "os")
        config.set_main_option("file_template", _escape_template(FILE_TEMPLATE))
        return config

    def scripts(self) -> ScriptDirectory:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self.config())

    def revisions(self) -> list[Script]:
        """Every revision, newest first (Alembic's walk order)."""
        return list(self.scripts().walk_revisions())

    def revision_files(self) -> list[Path]:
        """The Python files of the revision directory, by name (found without loading Alembic)."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.py"))

    @property
    def adopted(self) -> bool:
        """Whether the project manages its schema with migrations: it has at least one revision."""
        if not self.revision_files():
            return False  # decided without loading Alembic
        return bool(self.scripts().get_heads())

    def metadata(self) -> sa.MetaData:
        return target_metadata(self.db, self.metas)


def _escape(value: str) -> str:
    return value.replace("%", "%%")


def _escape_template(template: str) -> str:
    return template.replace("%(", "%%(")
