"""The journey of Studio's browser test (test_studio_browser.py), step by step, as a new user lives it.

Small steps in the UI (a new DocType, a field, the live preview, saving) make up the journey's parts:
building a child DocType and a DocType with a link and a table in the browser (fields reordered by
dragging, Meta and a permission rule set, the preview checked, the Python file on disk checked); a
hand-written method that survives a further edit byte for byte; a file changed on disk between load
and save that brings up the conflict view instead of being overwritten; read-only apps and search.
Last, ``m start`` serves the project and the new DocType answers over HTTP, the hand-written method
running.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Locator, Page, expect

from framework_m_standard.web.testing import ServerProcess, free_port

ROLE = "Task User"
PASSWORD = "a-long-enough-password"

# Added by hand to the controller Studio generated: it must survive Studio's edits byte for byte,
# and the server must run it (titles come back stripped).
HAND_WRITTEN = """
    def validate(self) -> None:
        # Hand-written: titles are stored without surrounding spaces.
        self.doc.title = self.doc.title.strip()
"""


@dataclass(frozen=True)
class Project:
    """The project the journey works in: ``m`` runs in ``root`` from the environment's ``bin``."""

    root: Path
    app: Path
    bin: Path
    env: dict[str, str]

    @property
    def package(self) -> Path:
        return self.app / "src" / "taskapp"

    def m(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(self.bin / "m"), *args],
            cwd=self.root,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"m {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout


# Steps in the UI --------------------------------------------------------------------------------


def new_doctype(page: Page, name: str, *, child: bool) -> None:

    page.get_by_role("button", name="+ New DocType").click()
    dialog = page.get_by_role("dialog", name="New DocType")
    dialog.get_by_label("App").select_option("taskapp")
    dialog.get_by_label("DocType name").fill(name)
    if child:
        dialog.get_by_label("Child DocType").check()
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def add_field(page: Page, name: str, kind: str) -> Locator:
    """Add a field, name it and choose its type; the field's form (a locator) for the rest."""

    page.get_by_role("button", name="+ Add field").click()
    form = page.locator("section.field-form")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Type", exact=True).select_option(kind)
    expect(page.locator(f'li[data-field="{name}"]')).to_be_visible()
    return form


def field_order(page: Page) -> list[str]:

    order: list[str] = page.locator("ol.fields > li").evaluate_all(
        "rows => rows.map(row => row.dataset.field)"
    )
    return order


def wait_for_preview(page: Page, text: str) -> None:
    """The live preview is up to date with the draft, and its new file shows ``text``."""
    page.get_by_role("tab", name="New file").click()
    expect(page.locator('section.preview[data-state="fresh"]')).to_be_visible()
    expect(page.get_by_test_id("preview-file")).to_contain_text(text)


def save(page: Page, button: str, path: str) -> None:

    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".editor-head .path")).to_contain_text(path)
    expect(page.locator(".editor-head")).not_to_contain_text("unsaved")


# The journey's parts ---------------------------------------------------------------------------


def build_in_the_browser(page: Page, project: Project) -> None:

    expect(page.locator('section[data-app="taskapp"]')).to_contain_text("Project")

    new_doctype(page, "TaskItem", child=True)
    form = add_field(page, "summary", "data")
    form.get_by_label("Required").check()
    wait_for_preview(page, "class TaskItem(ChildDocType):")
    save(page, "Create", "taskapp/src/taskapp/task_item.py")
    assert "class TaskItem(ChildDocType):" in (project.package / "task_item.py").read_text()

    new_doctype(page, "Task", child=False)
    form = add_field(page, "title", "data")
    form.get_by_label("Required").check()
    form = add_field(page, "project", "link")
    form.get_by_label("Link to DocType").fill("Project")
    form = add_field(page, "items", "table")
    form.get_by_label("Child DocType").select_option("TaskItem")
    assert field_order(page) == ["title", "project", "items"]
    page.locator('li[data-field="items"]').drag_to(page.locator('li[data-field="title"]'))
    assert field_order(page) == ["items", "title", "project"]

    page.get_by_role("tab", name=re.compile("^Meta")).click()
    page.get_by_label("API resource").check()
    page.get_by_role("button", name="+ Add rule").click()
    page.get_by_label("Role of rule 1").fill(ROLE)
    for action in ("write", "create", "delete"):
        page.get_by_label(f"{ROLE} may {action}").check()

    wait_for_preview(page, f'role="{ROLE}"')
    preview = page.get_by_test_id("preview-file").inner_text()
    assert 'Link("Project")' in preview
    assert "list[TaskItem]" in preview
    page.get_by_role("tab", name="App module").click()
    expect(page.get_by_test_id("preview-app")).to_contain_text("Task")
    page.get_by_role("tab", name="Changes").click()
    expect(page.get_by_test_id("preview-diff")).to_contain_text("+class Task(DocType):")
    save(page, "Create", "taskapp/src/taskapp/task.py")

    source = (project.package / "task.py").read_text()
    assert "class Task(DocType):" in source
    body = source.split("class Task(DocType):", 1)[1].split("class Meta", 1)[0]
    declared = re.findall(r"^    (\w+):", body, flags=re.MULTILINE)
    assert declared == ["items", "title", "project"], source
    assert re.search(r'^    project: .*Link\("Project"\)', source, flags=re.MULTILINE), source
    assert re.search(r"^    items: list\[TaskItem\]", source, flags=re.MULTILINE), source
    assert "api_resource = True" in source
    assert re.search(
        rf'PermissionRule\(\s*role="{ROLE}", actions=frozenset\(\{{"read", "write", "create", "delete"\}}\)',
        source,
    ), source
    assert re.search(r"^    title: str$", source, flags=re.MULTILINE), source
    app_source = (project.package / "app.py").read_text()
    assert re.search(r"doctypes=\[Project, Task\]", app_source), app_source
    assert "TaskController" in app_source


def hand_written_code_survives(page: Page, project: Project) -> None:

    task_file = project.package / "task.py"
    source = task_file.read_text()
    assert source.rstrip().splitlines()[-1].startswith("    "), "the controller ends the module"
    task_file.write_text(source + HAND_WRITTEN)

    page.reload()  # read the file again (its etag changed)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Task")
    page.locator('li[data-field="project"]').click()
    form = page.locator("section.field-form")
    form.get_by_label("Name", exact=True).fill("parent_project")
    form.get_by_label("Label").fill("Parent project")
    expect(form).to_contain_text("Renamed from project")
    wait_for_preview(page, "parent_project")
    save(page, "Save", "taskapp/src/taskapp/task.py")
    expect(page.locator(".banner.ok")).to_contain_text("project → parent_project")

    source = task_file.read_text()
    assert HAND_WRITTEN in source
    assert re.search(r'^    parent_project: .*Link\("Project"\)', source, flags=re.MULTILINE)
    assert "Parent project" in source
    assert not re.search(r"^    project:", source, flags=re.MULTILINE)


def a_conflict_is_shown_not_overwritten(page: Page, project: Project) -> None:

    task_file = project.package / "task.py"
    page.locator('li[data-field="title"]').click()
    form = page.locator("section.field-form")
    form.get_by_label("Label").fill("Task title")
    wait_for_preview(page, "Task title")

    outside = "\n# Changed outside Studio while it was open.\n"
    task_file.write_text(task_file.read_text() + outside)
    page.get_by_role("button", name="Save", exact=True).click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_be_visible()
    expect(page.get_by_test_id("conflict-source")).to_contain_text("Changed outside Studio")
    assert "Task title" not in task_file.read_text()

    conflict.get_by_role("button", name=re.compile("^Reload from disk")).click()
    expect(conflict).to_be_hidden()
    expect(page.locator(".banner.ok")).to_have_text("Reloaded from disk.")
    page.locator('li[data-field="title"]').click()
    expect(form.get_by_label("Label")).to_have_value("")
    form.get_by_label("Label").fill("Task title")
    wait_for_preview(page, "Task title")
    save(page, "Save", "taskapp/src/taskapp/task.py")
    source = task_file.read_text()
    assert "Task title" in source
    assert outside in source
    assert HAND_WRITTEN in source


def read_only_apps_and_search(page: Page) -> None:

    page.get_by_label("Search DocTypes").fill("TaskI")
    sidebar = page.get_by_role("navigation", name="DocTypes")
    expect(sidebar.get_by_role("link")).to_have_count(1)
    expect(sidebar.get_by_role("link")).to_contain_text("TaskItem")
    page.get_by_label("Search DocTypes").fill("")
    sidebar.get_by_role("link", name="User", exact=True).click()
    expect(page.locator(".banner")).to_contain_text("installed from outside the project")
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(page.locator("section.field-form input").first).to_be_disabled()


def serve_over_http(project: Project) -> None:
    """After Studio: the app, restarted with ``m start``, serves the DocType it did not have."""
    email = "tasks@example.com"
    project.m(
        "user", "add", email, "--role", ROLE, "--create-roles", "--password-stdin", stdin=PASSWORD
    )
    token = json.loads(project.m("apikey", "create", email, "--json"))["token"]
    port = free_port()
    command = [str(project.bin / "m"), "start", "--port", str(port)]
    with (
        ServerProcess(command, cwd=project.root, port=port, env=project.env, timeout=60) as server,
        httpx.Client(
            base_url=server.base, headers={"Authorization": f"token {token}"}, timeout=30
        ) as http,
    ):
        parent = http.post("/api/v1/Project", json={"title": "Documentation"})
        assert parent.status_code == 201, parent.text
        created = http.post(
            "/api/v1/Task",
            json={
                "title": "  Write the Studio guide  ",
                "parent_project": parent.json()["id"],
                "items": [{"summary": "outline"}, {"summary": "first draft"}],
            },
        )
        assert created.status_code == 201, created.text
        task = created.json()
        assert task["title"] == "Write the Studio guide"  # the hand-written validate() ran
        read = http.get(f"/api/v1/Task/{task['name']}")
        assert read.status_code == 200, read.text
        assert [row["summary"] for row in read.json()["items"]] == ["outline", "first draft"]
        assert read.json()["parent_project"] == parent.json()["id"]
        listed = http.get("/api/v1/Task")
        assert listed.status_code == 200, listed.text
        assert [t["name"] for t in listed.json()["items"]] == [task["name"]]
