"""Studio end to end in headless Chromium: the issue's promise as a new user would live it.

A temporary project holds a small app (one DocType, ``Project``) installed editable into a fresh
virtual environment next to Framework M and Studio built from this tree (Studio's wheel carries the
built UI). ``m studio`` runs from that environment; the browser creates a child DocType and a DocType
with a data field, a link and a table, reorders the fields by dragging, sets Meta and a permission
rule, checks the live preview and saves. The Python file on disk is then checked; a hand-written
method added to it survives a further edit byte for byte; a file changed on disk between load and
save brings up the conflict view instead of being overwritten. Finally Studio stops, ``m start`` serves
the project and the new DocType answers over HTTP — with the hand-written method running.

This module holds the test and what it runs in (the project, its environment, the browser); the
journey's steps are in studio_journey.py.

Chromium is Debian's (``/usr/bin/chromium``, or ``FRAMEWORK_M_CHROMIUM``); Playwright drives it through
its executable path and never downloads a browser. Missing Chromium or a missing UI build skip the
test locally and fail it in CI (``scripts/test`` installs and builds both).
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright

from framework_m_standard.web.testing import ServerProcess, free_port

from .conftest import clean_env, run, uv
from .studio_journey import (
    ROLE,
    Project,
    a_conflict_is_shown_not_overwritten,
    build_in_the_browser,
    hand_written_code_survives,
    read_only_apps_and_search,
    serve_over_http,
)

STATIC_INDEX = Path(__file__).parents[1] / "src" / "framework_m_studio" / "static" / "index.html"
CHROMIUM = Path(os.environ.get("FRAMEWORK_M_CHROMIUM", "/usr/bin/chromium"))
APP_FILES = {
    "pyproject.toml": """\
        [project]
        name = "taskapp"
        version = "0.1.0"
        requires-python = ">=3.11"
        dependencies = ["framework-m"]

        [project.entry-points."framework_m.apps"]
        taskapp = "taskapp.app:app"

        [build-system]
        requires = ["hatchling>=1.25"]
        build-backend = "hatchling.build"

        [tool.hatch.build.targets.wheel]
        packages = ["src/taskapp"]
        """,
    "src/taskapp/__init__.py": '''\
        """Tasks and the projects they belong to."""
        ''',
    "src/taskapp/app.py": '''\
        """The taskapp app as Framework M loads it."""

        from __future__ import annotations

        from framework_m import App

        from .project import Project

        app = App(name="taskapp", doctypes=[Project])
        ''',
    "src/taskapp/project.py": f'''\
        """Projects: what tasks belong to."""

        from __future__ import annotations

        from framework_m import DocType, PermissionRule


        class Project(DocType):
            """A piece of work with a title."""

            title: str

            class Meta:
                api_resource = True
                permissions = [
                    PermissionRule(role="{ROLE}", actions=frozenset({{"read", "create"}}))
                ]
        ''',
}


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def project(framework_wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A project with the app, and a fresh environment with Framework M, Studio and the app."""
    if not STATIC_INDEX.is_file():
        _unavailable("Studio's UI is not built: run scripts/build-studio-ui (scripts/test does)")
    base = tmp_path_factory.mktemp("studio-e2e")
    root = base / "project"
    app = root / "taskapp"
    for relative, text in APP_FILES.items():
        path = app / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    (root / "framework_config.toml").write_text(
        f'apps = ["taskapp"]\ndev_mode = true\n\n[database]\nurl = "sqlite:///{root}/tasks.sqlite3"\n'
    )
    # Studio's wheel from this tree carries the UI just built (hatch's artifacts).
    studio = base / "studio-wheel"
    run(uv(), "build", "-q", "--wheel", "--package", "framework-m-studio", "--out-dir", studio)
    venv = base / "venv"
    run(uv(), "venv", "-q", "-p", sys.executable, venv, cwd=base)
    wheels = [*sorted(framework_wheels.glob("*.whl")), *studio.glob("*.whl")]
    # Bytecode compiled once here, not by every process started below.
    python = venv / "bin" / "python"
    run(uv(), "pip", "install", "-q", "--compile-bytecode", "-p", python, *wheels, "-e", app)
    env = {k: v for k, v in clean_env().items() if k != "VIRTUAL_ENV"}
    return Project(root, app, venv / "bin", env)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test does in CI)")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def screenshot_on_failure(page: Page, directory: Path) -> Iterator[None]:
    """On a failure: a screenshot, and the API calls the page made (printed with the failure)."""
    calls: list[str] = []

    def record(response: Response) -> None:
        request = response.request
        body = request.post_data_json if request.method in ("POST", "PUT") else None
        etag = body.get("etag") if isinstance(body, dict) else None
        calls.append(f"{request.method} {request.url} etag={etag} -> {response.status}")

    page.on("response", record)
    try:
        yield
    except BaseException:
        shot = directory / "studio-failure.png"
        with suppress(Exception):
            page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the page at the failure: {shot}")
        print("the page's last requests:", *calls[-40:], sep="\n  ")
        raise


def test_a_doctype_built_in_the_browser_is_served_after_a_restart(
    project: Project, chromium: Browser, tmp_path: Path
) -> None:

    port = free_port()
    studio = ServerProcess(
        [str(project.bin / "m"), "studio", "--port", str(port)],
        cwd=project.root,
        port=port,
        env=project.env,
        ready_path="/",
        timeout=60,
    )
    page = chromium.new_page(viewport={"width": 1440, "height": 1000})
    page.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)  # the first listing parses the framework's own packages
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        with studio, screenshot_on_failure(page, tmp_path):
            page.goto(studio.base + "/")
            build_in_the_browser(page, project)
            hand_written_code_survives(page, project)
            a_conflict_is_shown_not_overwritten(page, project)
            read_only_apps_and_search(page)
    finally:
        page.close()
    assert errors == []
    serve_over_http(project)
