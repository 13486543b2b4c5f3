"""Migrations at start-up and in the project: the start-up step demands the latest revision and
DocTypes that match it (in dev mode too), keeps the automatic sync while a project has no migrations
(and stamps when it adopts them), points an unversioned database with tables at ``m migrate stamp``,
leaves other stores and other binds to their own schema management, names a database at a revision
the project lacks, and finds the migrations directory next to the configuration.

The shop app and the helpers that drive migrations are in shop_migrations.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from framework_m_core import App, ConfigurationError
from framework_m_core.builtin import app as core_app
from framework_m_core.composition import Settings, load_settings, start_runtime
from framework_m_core.registry import MetaRegistry
from framework_m_standard.sql import DatabaseConfig, SqlDatabase, database_config
from framework_m_standard.sql.migrations import MigrationProject, Migrations, migrations_directory

from .shop_migrations import ADMIN, migrations, revise, runtime, shop_v1, shop_v2, upgrade

pytestmark = pytest.mark.anyio


async def test_start_up_requires_the_latest_revision_and_matching_doctypes(
    url: str, tmp_path: Path
) -> None:
    directory = tmp_path / "migrations"
    await revise(url, shop_v1(), directory, "initial")

    with pytest.raises(ConfigurationError, match=r"1 to apply .*: run m migrate upgrade"):
        await runtime(url, shop_v1(), directory)
    await upgrade(url, shop_v1(), directory)
    async with await runtime(url, shop_v1(), directory) as rt:
        assert rt.steps[0].source.endswith("(framework-m-standard 0.1.0)")
        await rt.kernel.create(ADMIN, "Customer", {"customer_name": "Acme"})
    for dev_mode in (
        False,
        True,
    ):  # nothing is changed behind the migrations' back, in dev mode either
        with pytest.raises(ConfigurationError) as changed:
            await runtime(url, shop_v2(), directory, dev_mode=dev_mode)
        assert "the DocTypes changed since: " in changed.value.message
        assert "add column customer.region" in changed.value.message
        assert "m migrate revision --autogenerate" in changed.value.message


async def test_without_migrations_start_up_keeps_the_automatic_sync(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/app.sqlite3"
    directory = tmp_path / "migrations"
    async with await runtime(url, shop_v1(), directory) as rt:
        await rt.kernel.create(ADMIN, "Customer", {"customer_name": "Acme"})

    written = await revise(url, shop_v1(), directory, "initial")  # adopting migrations later
    assert written is not None
    assert written.stamped
    async with migrations(url, shop_v1(), directory) as m:
        assert await m.current() == (written.script.revision,)  # stamped: it had the schema
    async with await runtime(url, shop_v1(), directory) as rt:
        assert (await rt.kernel.list(ADMIN, "Customer")).items[0].customer_name == "Acme"


async def test_an_unversioned_database_with_tables_is_pointed_at_stamp(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/app.sqlite3"
    directory = tmp_path / "migrations"
    other = f"sqlite+aiosqlite:///{tmp_path}/other.sqlite3"
    written = await revise(other, shop_v1(), directory, "initial")
    assert written is not None
    # The automatic sync builds the tables while the project has no migrations yet.
    async with await runtime(url, shop_v1(), tmp_path / "none") as started:
        assert started.steps[0].name == "sync_schema"
    with pytest.raises(ConfigurationError, match="mark it with m migrate stamp REVISION"):
        await runtime(url, shop_v1(), directory)
    async with migrations(url, shop_v1(), directory) as m:
        assert await m.stamp("heads") == (written.script.revision,)
    async with await runtime(url, shop_v1(), directory):
        pass


async def test_other_memory_persistence_is_left_to_its_own_schema_manager(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/app.sqlite3"
    directory = tmp_path / "migrations"
    await revise(
        url, shop_v1(), directory, "initial"
    )  # migrations exist, but are not for this store
    persistence = ("repository", "unit_of_work", "schema_manager", "naming_counter", "outbox")
    pinned = dict.fromkeys(persistence, "memory")
    async with await runtime(url, shop_v1(), directory, adapters=pinned) as rt:
        await rt.kernel.create(ADMIN, "Customer", {"customer_name": "Acme"})
    async with migrations(url, shop_v1(), directory) as m:
        assert await m.current() == ()  # start-up never asked for m migrate upgrade


async def test_doctypes_of_other_binds_are_not_migrated_but_synced(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/app.sqlite3"
    archive = f"sqlite+aiosqlite:///{tmp_path}/archive.sqlite3"
    directory = tmp_path / "migrations"
    binds = {"binds": {"archive": archive}, "doctypes": {"Customer": "archive"}}
    db = SqlDatabase(DatabaseConfig.model_validate({"url": url, **binds}))
    app = App(name="shop", doctypes=[d for d in shop_v1().doctypes if d.__name__ == "Customer"])
    project = MigrationProject(db, tuple(MetaRegistry([core_app, app]).metas()), directory)
    try:
        assert "customer" not in project.metadata().tables
        assert "fm_outbox" in project.metadata().tables
        written = await Migrations(project).revision("initial", autogenerate=True)
        assert written is not None
        await Migrations(project).upgrade()
    finally:
        await db.dispose()
    settings = Settings.model_validate(
        {"database": {"url": url, "migrations": str(directory), **binds}}
    )
    async with await start_runtime(settings, apps=[app]) as rt:
        await rt.kernel.create(ADMIN, "Customer", {"customer_name": "Acme"})
    assert (tmp_path / "archive.sqlite3").is_file()


async def test_a_database_at_a_revision_the_project_lacks_is_named(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/app.sqlite3"
    written = await revise(url, shop_v1(), tmp_path / "newer", "initial")
    assert written is not None
    await upgrade(url, shop_v1(), tmp_path / "newer")
    older = tmp_path / "older"  # e.g. older code deployed after newer code migrated the database
    older.mkdir()
    (older / "base.py").write_text(
        'revision = "0ld"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n\n\n'
        "def downgrade():\n    pass\n"
    )
    async with migrations(url, shop_v1(), older) as m:
        with pytest.raises(
            ConfigurationError, match=f"is at revision {written.script.revision}, wh"
        ):
            await m.status()


def test_the_migrations_directory_is_found_next_to_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "framework_config.toml"
    config.write_text('[database]\nmigrations = "db/migrations"\n')
    settings = load_settings(config, env={})
    assert (
        migrations_directory(settings, database_config(settings)) == tmp_path / "db" / "migrations"
    )
    bare = load_settings(None, env={"FRAMEWORK_M_CONFIG": str(config)})
    assert migrations_directory(bare, DatabaseConfig(url="sqlite://", migrations="/abs")) == Path(
        "/abs"
    )
    default = Settings()
    assert (
        migrations_directory(default, DatabaseConfig(url="sqlite://")) == Path.cwd() / "migrations"
    )
