"""``m migrate`` as a user runs it: the installed ``m`` script, in a project directory, on the invoicing
app of the docs installed as a distribution (an ``.dist-info`` on ``PYTHONPATH``, as pip would lay it
out), against a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

OneLineError = Callable[[subprocess.CompletedProcess[str], int], str]
"""The ``one_line_error`` fixture (conftest.py)."""

M = Path(sys.executable).parent / "m"
EXAMPLE = Path(__file__).parents[4] / "docs" / "examples" / "invoicing.py"

DATA = """
import asyncio, json, sys
from framework_m_core import CallerContext
from framework_m_core.composition import start_runtime

ADMIN = CallerContext.for_user("root", "Administrator")


async def main(action: str) -> None:
    async with await start_runtime() as rt:
        if action == "create":
            acme = await rt.kernel.create(
                ADMIN, "Customer", {"customer_name": "Acme", "territory": "South"}
            )
            await rt.kernel.create(
                ADMIN, "Invoice", {"customer": acme.id, "items": [{"item": "Bolt", "qty": 3, "rate": "0.25"}]}
            )
        customers = (await rt.kernel.list(ADMIN, "Customer")).items
        invoices = (await rt.kernel.list(ADMIN, "Invoice")).items
        full = [await rt.kernel.get(ADMIN, "Invoice", i.id) for i in invoices]
        print(json.dumps({
            "customers": [c.model_dump(mode="json") for c in customers],
            "invoices": [i.model_dump(mode="json") for i in full],
            "loaded": [m for m in ("alembic", "sqlalchemy") if m in sys.modules],
        }))


asyncio.run(main(sys.argv[1]))
"""


class Project:
    """A project directory with framework_config.toml and the example app installed beside it."""

    def __init__(self, root: Path, database_url: str | None = None) -> None:
        self.root = root
        site = root / "site"
        info = site / "invoicing_example-0.1.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: invoicing-example\nVersion: 0.1\n"
        )
        (info / "entry_points.txt").write_text(
            "[framework_m.apps]\ninvoicing = invoicing_example:app\n"
        )
        self.app = site / "invoicing_example.py"
        shutil.copy(EXAMPLE, self.app)
        (root / "framework_config.toml").write_text('apps = ["invoicing"]\n')
        (root / "data.py").write_text(DATA)
        clean = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
        self.env = {**clean, "PYTHONPATH": str(site)}
        if database_url:
            self.env["FRAMEWORK_M_DATABASE_URL"] = database_url

    def m(
        self, *args: str, stdin: int | None = subprocess.DEVNULL
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(M), "migrate", *args],
            cwd=self.root,
            env=self.env,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def start(self, action: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "data.py", action],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def data(self, action: str) -> dict[str, Any]:
        """Start the app, ``create`` rows or only ``read`` them; what it read, and which of Alembic
        and SQLAlchemy the process loaded."""
        result = self.start(action)
        assert result.returncode == 0, result.stderr
        found: dict[str, Any] = json.loads(result.stdout)
        return found

    def edit_app(self) -> None:
        """Rename Customer.territory to region and give Invoice a discount."""
        code = self.app.read_text()
        code = code.replace(
            'territory: Literal["North", "South"]', 'region: Literal["North", "South"]'
        )
        code = code.replace(
            '    total: Decimal = Decimal("0")\n',
            '    total: Decimal = Decimal("0")\n    discount: Decimal | None = None\n',
        )
        self.app.write_text(code)

    def revisions(self) -> list[Path]:
        return sorted((self.root / "migrations").glob("*.py"))


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def walk_through(project: Project, one_line_error: OneLineError) -> None:
    """The documented workflow: first revision, upgrade, rows, a rename, up and down again."""
    assert "no migrations yet" in ok(project.m("status"))
    wrote = ok(project.m("revision", "--autogenerate", "-m", "initial"))
    assert wrote.startswith("wrote migrations/")
    assert "create table invoice__invoice_item" in wrote
    status = json.loads(ok(project.m("status", "--json")))
    (initial,) = status["heads"]
    assert (status["current"], status["at_head"]) == ([], False)
    assert status["pending"] == [{"revision": initial, "message": "initial"}]

    upgraded = ok(project.m("upgrade"))
    assert upgraded.startswith(f"applying {initial} initial (1/1) … done in ")
    assert upgraded.endswith(f"applied 1; the database is at {initial}\n")
    # The first start checks the database against the migrations (with Alembic); later starts with
    # the same DocTypes, revisions and database revision skip the check and load neither.
    assert project.data("create")["loaded"] == ["alembic", "sqlalchemy"]
    assert project.data("read")["loaded"] == []

    project.edit_app()
    refused_start = project.start("read")
    assert refused_start.returncode != 0
    assert "m migrate revision --autogenerate" in refused_start.stderr
    refused = one_line_error(project.m("revision", "--autogenerate", "-m", "region"), 1)
    assert "there is no terminal to ask" in refused
    assert "--rename Customer.territory=region" in refused
    assert len(project.revisions()) == 1

    wrote = ok(project.m("revision", "--autogenerate", "-m", "region", "--yes"))
    assert "rename column customer.territory → region" in wrote
    assert "add column invoice.discount" in wrote
    (renamed,) = json.loads(ok(project.m("status", "--json")))["heads"]
    assert f"applying {renamed} region (1/1) … done in " in ok(project.m("upgrade"))
    after = project.data("read")
    assert after["loaded"] == ["alembic", "sqlalchemy"]  # new revision, new check
    assert [c["region"] for c in after["customers"]] == ["South"]
    assert [(i["discount"], len(i["items"])) for i in after["invoices"]] == [(None, 1)]

    history = ok(project.m("history")).splitlines()
    assert history == [f"{renamed} region  (head, current)", f"{initial} initial"]
    reverted = ok(project.m("downgrade", "-1"))
    assert reverted.startswith(f"reverting {renamed} region (1/1) … done in ")
    assert json.loads(ok(project.m("status", "--json")))["current"] == [initial]
    ok(project.m("upgrade"))
    assert ok(project.m("status")).endswith("up to date\n")


def test_migrate_walkthrough_on_sqlite(tmp_path: Path, one_line_error: OneLineError) -> None:
    walk_through(Project(tmp_path), one_line_error)
    assert (tmp_path / "framework_m.sqlite3").is_file()


def test_migrate_walkthrough_on_postgresql(
    tmp_path: Path, postgres_database: str, one_line_error: OneLineError
) -> None:
    walk_through(Project(tmp_path, postgres_database), one_line_error)
    assert not (tmp_path / "framework_m.sqlite3").exists()


def test_a_rename_is_confirmed_on_a_terminal(tmp_path: Path) -> None:
    project = Project(tmp_path)
    ok(project.m("revision", "--autogenerate", "-m", "initial"))
    ok(project.m("upgrade"))
    project.data("create")
    project.edit_app()
    leader, follower = os.openpty()
    try:
        os.write(leader, b"y\n")
        result = project.m("revision", "--autogenerate", "-m", "region", stdin=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert "was Customer.territory renamed to region?" in result.stderr
    assert "[Y/n]" in result.stderr
    assert "rename column customer.territory → region" in ok(result)
    ok(project.m("upgrade"))
    assert [c["region"] for c in project.data("read")["customers"]] == ["South"]


def test_rename_hints_answer_without_a_terminal(tmp_path: Path) -> None:
    project = Project(tmp_path)
    ok(project.m("revision", "--autogenerate", "-m", "initial"))
    ok(project.m("upgrade"))
    project.edit_app()
    wrote = ok(
        project.m(
            "revision", "--autogenerate", "-m", "region", "--rename", "Customer.territory=region"
        )
    )
    assert "rename column customer.territory → region" in wrote


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("upgrade",), 1, "there are no migrations in "),
        (("downgrade",), 2, "requires an argument"),
        (("revision",), 2, "--message"),
        (
            ("revision", "-m", "x", "--rename", "nonsense"),
            1,
            "expected DocType.old_field=new_field",
        ),
        (("status", "--bogus"), 2, "--bogus"),
    ],
)
def test_errors_are_one_line_with_honest_exit_codes(
    tmp_path: Path, args: tuple[str, ...], code: int, expected: str, one_line_error: OneLineError
) -> None:
    assert expected in one_line_error(Project(tmp_path).m(*args), code)


def test_an_unknown_revision_is_one_line(tmp_path: Path, one_line_error: OneLineError) -> None:
    project = Project(tmp_path)
    ok(project.m("revision", "--autogenerate", "-m", "initial"))
    line = one_line_error(project.m("upgrade", "nosuchrev"), 1)
    assert "nosuchrev" in line


def test_other_persistence_is_named_not_migrated(
    tmp_path: Path, one_line_error: OneLineError
) -> None:
    project = Project(tmp_path)
    (tmp_path / "framework_config.toml").write_text(
        textwrap.dedent(
            """
            apps = ["invoicing"]
            [adapters]
            schema_manager = "memory"
            """
        )
    )
    line = one_line_error(project.m("status"), 1)
    assert "m migrate manages SQL databases, but the schema_manager adapter is 'memory'" in line
