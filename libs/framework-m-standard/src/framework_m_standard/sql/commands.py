"""``m migrate``: the SQL schema's history — status, upgrade, downgrade, revision, history, stamp.

The SQL package brings this command itself, through the ``framework_m.cli_commands`` entry point any
package uses (as it brings its adapters through ``framework_m.adapters.*``). It loads the same settings, apps and adapters as start-up, so it migrates exactly the database and
DocTypes the application would use. Questions (a plausible rename, a column about to be dropped) are asked
on the terminal; without one, ``--yes`` and ``--rename`` answer them, and anything unanswered stops the
command instead of guessing. Exit codes: 0 done, 1 a framework error (one ``error:`` line), 2 bad
arguments.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from cyclopts import App, Parameter

from framework_m_core.composition import load_settings, select_adapters
from framework_m_core.errors import ConfigurationError
from framework_m_core.registry import MetaRegistry

# SQLAlchemy and Alembic are imported only when a migrate command runs, so `m --help` stays fast.
if TYPE_CHECKING:
    from .migrations import Migrations

T = TypeVar("T")
Json = Annotated[bool, Parameter(name="--json", negative="")]

migrate = App(name="migrate", help="Migrate the SQL database's schema with Alembic revisions.")


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@asynccontextmanager
async def _open() -> AsyncIterator[Migrations]:
    from .migrations import MigrationProject, Migrations
    from .schema_manager import SqlSchemaManager

    settings = load_settings()
    registry = MetaRegistry.discover(settings.apps)
    container = select_adapters(settings)
    try:
        manager = container.implementations().get("schema_manager")
        if not isinstance(manager, SqlSchemaManager):
            chosen = next(c for c in container.choices() if c.port == "schema_manager")
            raise ConfigurationError(
                f"m migrate manages SQL databases, but the schema_manager adapter is "
                f"{chosen.name!r} ({chosen.distribution or 'built in'}), which keeps its own schema"
            )
        project = MigrationProject(manager.db, tuple(registry.metas()), manager.migrations)
        yield Migrations(project, _write)
    finally:
        await container.aclose()


def _run(work: Callable[[Migrations], Awaitable[T]]) -> T:
    async def main() -> T:
        async with _open() as migrations:
            return await work(migrations)

    return asyncio.run(main())


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _require_revisions(migrations: Migrations) -> None:
    if not migrations.project.adopted:
        raise ConfigurationError(
            f"there are no migrations in {migrations.project.directory}; create the first with "
            'm migrate revision --autogenerate -m "initial"'
        )


@migrate.command
def status(*, as_json: Json = False) -> int:
    """Show the database's revision, the latest one, and the revisions still to apply.

    Parameters
    ----------
    as_json
        Print the status as JSON (for scripts).
    """
    from ._schema.migrations.progress import label

    report = _run(lambda m: m.status())
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
        return 0
    print(f"database:   {report.database}")
    print(f"migrations: {_shown(report.directory)}")
    if not report.heads:
        print("no migrations yet: the schema is kept by the automatic sync at start-up;")
        print('create the first with: m migrate revision --autogenerate -m "initial"')
        return 0
    print(f"current:    {', '.join(report.current) or '(none)'}")
    print(f"latest:     {', '.join(report.heads)}")
    if report.at_head:
        print("up to date")
        return 0
    print(f"pending:    {len(report.pending)} (apply with: m migrate upgrade)")
    for script in report.pending:
        print(f"  {label(script)}")
    return 0


@migrate.command
def upgrade(revision: str = "heads", /) -> int:
    """Apply revisions, oldest first, in one transaction, showing each as it runs.

    Parameters
    ----------
    revision
        Where to stop: a revision id (or a unique prefix), +N, or "heads" (the default).
    """

    async def work(migrations: Migrations) -> int:
        _require_revisions(migrations)
        applied = await migrations.upgrade(revision)
        current = ", ".join(await migrations.current()) or "(none)"
        if applied:
            print(f"applied {len(applied)}; the database is at {current}")
        else:
            print(f"nothing to apply: the database is at {current}")
        return 0

    return _run(work)


@migrate.command
def downgrade(revision: str, /) -> int:
    """Revert revisions, newest first, in one transaction, showing each as it runs.

    Parameters
    ----------
    revision
        Where to stop: a revision id (kept applied), -N, or "base" (revert everything).
    """

    async def work(migrations: Migrations) -> int:
        _require_revisions(migrations)
        reverted = await migrations.downgrade(revision)
        current = ", ".join(await migrations.current()) or "(none)"
        if reverted:
            print(f"reverted {len(reverted)}; the database is at {current}")
        else:
            print(f"nothing to revert: the database is at {current}")
        return 0

    return _run(work)


@migrate.command
def history(*, as_json: Json = False) -> int:
    """List the revisions, newest first, marking the database's current one.

    Parameters
    ----------
    as_json
        Print the list as JSON (for scripts).
    """

    async def work(migrations: Migrations) -> list[dict[str, Any]]:
        current = set(await migrations.current())
        return [
            {
                "revision": s.revision,
                "down_revision": s.down_revision,
                "message": s.doc,
                "path": s.path,
                "head": s.is_head,
                "current": s.revision in current,
            }
            for s in migrations.history()
        ]

    rows = _run(work)
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(
            'no migrations yet; create the first with: m migrate revision --autogenerate -m "initial"'
        )
    for row in rows:
        marks = ", ".join(mark for mark in ("head", "current") if row[mark])
        text = f"{row['revision']} {row['message'] or ''}".rstrip()
        print(text + (f"  ({marks})" if marks else ""))
    return 0


@migrate.command
def stamp(revision: str, /) -> int:
    """Record a revision as applied without running it, for a database whose schema already matches
    (for example one the automatic sync created before the project had migrations).

    Parameters
    ----------
    revision
        The revision the database's schema corresponds to, "heads", or "base".
    """

    async def work(migrations: Migrations) -> int:
        _require_revisions(migrations)
        now = await migrations.stamp(revision)
        print(f"the database is marked as at {', '.join(now) or '(none)'}")
        return 0

    return _run(work)


def _ask(question: str, default: bool) -> bool:
    choices = "[Y/n]" if default else "[y/N]"
    while True:
        sys.stderr.write(f"{question} {choices} ")
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            raise ConfigurationError("no answer (end of input); nothing was written")
        answer = line.strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes", "n", "no"):
            return answer.startswith("y")


@migrate.command
def revision(
    *,
    message: Annotated[str, Parameter(name=["--message", "-m"])],
    autogenerate: Annotated[bool, Parameter(negative="")] = False,
    yes: Annotated[bool, Parameter(name=["--yes", "-y"], negative="")] = False,
    rename: Annotated[tuple[str, ...], Parameter(consume_multiple=False)] = (),
) -> int:
    """Write a new revision file into the project's migrations directory.

    Parameters
    ----------
    message
        What the revision does; also names the file.
    autogenerate
        Fill the revision with the changes between the DocTypes and the (up-to-date) database.
    yes
        Accept every proposed rename and drop without asking (for scripts).
    rename
        DocType.old_field=new_field: a known rename, applied without asking (repeatable).
        Renames Studio recorded in the migrations directory's renames.toml are applied too.
    """
    from .migrations import RECORDED_RENAMES, RenameHint, Review, doctype_tables, recorded_renames

    hints = [RenameHint.parse(text) for text in rename]

    async def work(migrations: Migrations) -> int:
        directory = migrations.project.directory
        recorded = recorded_renames(directory) if autogenerate else []
        review = Review(
            doctype_tables(migrations.project.metas),
            hints=hints,
            recorded=recorded,
            assume_yes=yes,
            ask=_ask if sys.stdin.isatty() else None,
        )
        written = await migrations.revision(message, autogenerate=autogenerate, review=review)
        if recorded:
            # Applied, or matching nothing any more: either way they are settled.
            (directory / RECORDED_RENAMES).unlink(missing_ok=True)
            for hint in recorded:
                print(f"recorded rename {hint}: {'applied' if written else 'nothing to rename'}")
        if written is None:
            print("no changes: the database already matches the DocTypes; nothing was written")
            return 0
        script = written.script
        print(f"wrote {_shown(Path(script.path))} (revision {script.revision})")
        for change in written.changes:
            print(f"  {change}")
        if written.stamped:
            print(
                "the database already has this schema (made by the automatic sync): "
                f"marked it as at {script.revision}"
            )
        return 0

    return _run(work)
