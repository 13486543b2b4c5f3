"""Fixtures of the web tests: the served project of the authentication tests (see auth_project.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from framework_m_core.testing.projects import install_app
from framework_m_standard.web.testing import ServerProcess, free_port, uvicorn_command

from .auth_project import APP, SECRET, Project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The memos app with three users, served by uvicorn: one server per test module, whose tests
    share its users, keys and login counters (at most 3 failed logins per account)."""
    root = tmp_path_factory.mktemp("auth")
    install_app(root, "memos_app", APP, app_name="memos")
    (root / "framework_config.toml").write_text(
        f'apps = ["memos"]\n[database]\nurl = "sqlite:///{root}/auth.sqlite3"\n'
        f'[auth]\nsecret_key = "{SECRET}"\nlogin_attempts_per_account = 3\n'
        "login_attempts_per_address = 50\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "FRAMEWORK_M_CONFIG": str(root / "framework_config.toml"),
    }
    port = free_port()
    project = Project(root, env, f"http://127.0.0.1:{port}")
    for email, role in (
        ("admin@example.com", "Administrator"),
        ("wes@example.com", "Writer"),
        ("val@example.com", "Writer"),
    ):
        done = project.m(
            "user",
            "add",
            email,
            "--role",
            role,
            "--password-stdin",
            stdin="correct horse battery\n",
        )
        assert done.returncode == 0, done.stderr
    command = uvicorn_command(port)
    with ServerProcess(command, cwd=root, port=port, env=env):
        yield project
