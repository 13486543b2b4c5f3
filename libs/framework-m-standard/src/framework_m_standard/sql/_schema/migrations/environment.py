"""What ``env.py`` needs, handed over by ``m migrate`` through ``Config.attributes``.

Alembic executes ``env.py`` as a script; everything about Framework M — the connection (already in its
transaction), the DocType-derived schema, rendering of our column types, progress — arrives as one
``MigrationSession``, so the script itself stays a few lines and projects never edit it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from sqlalchemy.dialects import postgresql

from framework_m_core.errors import ConfigurationError

from ...types import ExactDecimal, UTCDateTime
from ..state import SCHEMA_STATE_TABLE
from .project import VERSION_TABLE

SESSION_KEY = "framework_m.migration_session"
TYPES_IMPORT = "from framework_m_standard.sql import types as fm_types"


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render Framework M's column types by their public names (and import them); everything else is
    left to Alembic (``False``)."""
    if type_ != "type":
        return False
    if isinstance(obj, UTCDateTime):
        autogen_context.imports.add(TYPES_IMPORT)
        return "fm_types.UTCDateTime()"
    if isinstance(obj, ExactDecimal):
        autogen_context.imports.add(TYPES_IMPORT)
        return f"fm_types.ExactDecimal({obj.precision!r}, {obj.scale!r})"
    variants = getattr(obj, "_variant_mapping", {})
    if isinstance(obj, sa.JSON) and isinstance(variants.get("postgresql"), postgresql.JSONB):
        # Alembic would render JSONB(astext_type=Text()) without importing Text.
        autogen_context.imports.add(TYPES_IMPORT)
        return "fm_types.JSON_TYPE"
    return False


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Compare everything but SQLite's internal tables and the automatic sync's fingerprints
    (Alembic already skips its own version table)."""
    if type_ != "table" or name is None:
        return True
    return not (name.startswith("sqlite_") or name == SCHEMA_STATE_TABLE)


@dataclass
class MigrationSession:
    """One Alembic run: the connection to use and the schema to compare with."""

    connection: sa.Connection
    metadata: sa.MetaData
    on_version_apply: Callable[..., None] | None = None

    def context_options(self) -> Mapping[str, Any]:
        """Options for ``context.configure``. Batch rendering lets one revision run on SQLite (which
        rebuilds tables to alter them) and PostgreSQL alike; types are compared so a changed field
        kind shows up in autogenerate."""
        options: dict[str, Any] = {
            "connection": self.connection,
            "target_metadata": self.metadata,
            "version_table": VERSION_TABLE,
            "render_as_batch": True,
            "compare_type": True,
            "include_object": include_object,
            "render_item": render_item,
        }
        if self.on_version_apply is not None:
            options["on_version_apply"] = self.on_version_apply
        return options


def session_of(config: Config) -> MigrationSession:
    """The session ``m migrate`` prepared; running Alembic's own command line here is refused because
    it would not know the project's apps, database or version table."""
    session = config.attributes.get(SESSION_KEY)
    if not isinstance(session, MigrationSession):
        raise ConfigurationError(
            "Framework M migrations run through `m migrate`, not the alembic command"
        )
    return session
