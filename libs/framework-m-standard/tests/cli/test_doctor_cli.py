"""``m doctor``: exit 0 when all is well, 1 for warnings, 2 for errors, with ``--json`` for scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from framework_m_core.testing.projects import install_app

M = Path(sys.executable).with_name("m")
APP = """
from framework_m import App, DocType


class Note(DocType):
    text: str = ""

    class Meta:
        permissions = {"Writer": ["read"]}


app = App(name="notes", doctypes=[Note])
"""


def m(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
    return subprocess.run(
        [str(M), *args],
        cwd=project,
        env={**clean, "PYTHONPATH": str(project)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def doctor(project: Path) -> tuple[int, dict[str, str], str]:
    done = m(project, "doctor", "--json")
    report = json.loads(done.stdout)
    return done.returncode, {c["name"]: c["status"] for c in report["checks"]}, report["status"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    install_app(tmp_path, "notes_app", APP, app_name="notes")
    return tmp_path


def test_a_fresh_project_has_warnings_only(project: Path) -> None:
    (project / "framework_config.toml").write_text('apps = ["notes"]\n')
    code, checks, status = doctor(project)
    assert (code, status) == (1, "warning")
    assert checks["database"] == "ok"
    assert checks["secret_key"] == "warning"
    assert checks["migrations"] == "warning"
    assert checks["users"] == "warning"  # no tables yet, and certainly no Administrator
    human = m(project, "doctor")
    assert human.returncode == 1
    assert "[warn] secret_key" in human.stdout
    assert human.stdout.rstrip().endswith("doctor: warning")


def test_a_production_ready_project_is_ok(project: Path) -> None:
    (project / "framework_config.toml").write_text(
        f'apps = ["notes"]\n[auth]\nsecret_key = "{"s" * 48}"\ncookie_secure = true\n'
    )
    for args in (
        ("migrate", "revision", "--autogenerate", "-m", "initial", "--yes"),
        ("migrate", "upgrade"),
    ):
        done = m(project, *args)
        assert done.returncode == 0, done.stderr
    added = m(
        project,
        "user",
        "add",
        "root@example.com",
        "--role",
        "Administrator",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert added.returncode == 0, added.stderr
    code, checks, status = doctor(project)
    assert (code, status) == (0, "ok"), checks
    assert checks["migrations"] == "ok"
    assert checks["users"] == "ok"


def test_pending_migrations_are_an_error(project: Path) -> None:
    (project / "framework_config.toml").write_text('apps = ["notes"]\n')
    done = m(project, "migrate", "revision", "--autogenerate", "-m", "initial", "--yes")
    assert done.returncode == 0, done.stderr
    code, checks, status = doctor(project)
    assert (code, status) == (2, "error")
    assert checks["migrations"] == "error"


def test_an_unreachable_database_is_an_error(project: Path) -> None:
    (project / "framework_config.toml").write_text(
        'apps = ["notes"]\n[database]\nurl = "postgresql://postgres@127.0.0.1:1/nowhere"\n'
    )
    code, checks, _ = doctor(project)
    assert code == 2
    assert checks["database"] == "error"
    assert "migrations" not in checks


def test_a_broken_configuration_is_an_error(project: Path) -> None:
    (project / "framework_config.toml").write_text(
        'apps = ["notes", "ghost"]\n[auth]\nissuer = 3\n'
    )
    code, checks, status = doctor(project)
    assert (code, status) == (2, "error")
    assert checks["apps"] == "error"
    assert checks["security"] == "error"


MEMORY_PERSISTENCE = "".join(
    f'{port} = "memory"\n'
    for port in ("repository", "unit_of_work", "schema_manager", "naming_counter", "outbox")
)


def test_storage_checks_come_from_the_chosen_adapter(project: Path) -> None:
    # The SQL schema manager checks its database and migrations itself; an adapter without checks
    # of its own gets one read through its port, and no migrations check it would not have.
    (project / "framework_config.toml").write_text(
        f'apps = ["notes"]\ndev_mode = true\n[adapters]\n{MEMORY_PERSISTENCE}'
    )
    done = m(project, "doctor", "--json")
    report = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    # (In-memory storage is new in every process, so that one read finds no storage yet.)
    assert report["database"]["detail"].startswith("the 'memory' adapter cannot read")
    assert "migrations" not in report
    assert "users" not in report
