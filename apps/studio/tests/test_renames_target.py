"""Where Studio records renames is the schema manager's answer, asked through its port: the SQL one
names its migrations directory; one without migrations (here the in-memory one) is asked and says
nothing, so nothing is recorded."""

from __future__ import annotations

from pathlib import Path

from framework_m_studio.project import Project
from framework_m_studio.workspace import Workspace


def test_the_sql_schema_manager_names_its_migrations_directory(tmp_path: Path) -> None:
    (tmp_path / "framework_config.toml").write_text('[database]\nmigrations = "db/revisions"\n')
    found = Workspace(Project(tmp_path)).renames_file()
    assert found == tmp_path / "db" / "revisions" / "renames.toml"


def test_a_schema_without_migrations_records_no_renames(tmp_path: Path) -> None:
    (tmp_path / "framework_config.toml").write_text('[adapters]\nschema_manager = "memory"\n')
    assert Workspace(Project(tmp_path)).renames_file() is None
