"""Studio's JSON API over a scaffolded app: reading, previewing, creating, editing, renaming and
deleting DocTypes in real files; stale writes, foreign hosts and origins, and bad input refused."""

from __future__ import annotations

import importlib.metadata
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from framework_m_studio.field_types import builtin_types, registered_types
from framework_m_studio.project import Project
from framework_m_studio.scaffolding import plan_app
from framework_m_studio.server import create_studio
from framework_m_studio.workspace import Workspace

API = "/studio/api"
TYPES_MODULE = '''
from typing import Annotated

from pydantic import StringConstraints

Email = Annotated[str, StringConstraints(pattern=r"^[^@\\s]+@[^@\\s]+$", max_length=254)]
"""An e-mail address."""
'''


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A scaffolded app ``library`` importable from its source (forgotten again afterwards)."""
    plan_app("library", tmp_path / "library", "Book", None).write()
    src = tmp_path / "library" / "src"
    (src / "library" / "types.py").write_text(TYPES_MODULE)
    monkeypatch.syspath_prepend(str(src))
    yield tmp_path / "library"
    for name in [m for m in sys.modules if m == "library" or m.startswith("library.")]:
        del sys.modules[name]


@pytest.fixture
def client(root: Path) -> Iterator[TestClient[Any]]:
    eps = [
        importlib.metadata.EntryPoint("library", "library.app:app", "framework_m.apps"),
        importlib.metadata.EntryPoint("crm", "crm.app:app", "framework_m.apps"),
    ]
    registered, problems = registered_types(
        [importlib.metadata.EntryPoint("email", "library.types:Email", "framework_m.field_types")]
    )
    workspace = Workspace(
        Project(root, entry_points=eps), [*builtin_types(), *registered], problems
    )
    with TestClient(create_studio(workspace), base_url="http://127.0.0.1:9000") as client:
        yield client


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def test_the_project_lists_doctypes_by_app(client: TestClient[Any], root: Path) -> None:
    project = _ok(client.get(f"{API}/project"))
    assert project["root"] == str(root.resolve())
    apps = {a["app"]: a for a in project["apps"]}
    assert apps["library"]["editable"]
    assert not apps["crm"]["editable"]
    assert [d["name"] for d in apps["library"]["doctypes"]] == ["Book"]
    assert {d["name"] for d in apps["crm"]["doctypes"]} >= {"SalesInvoice", "SalesInvoiceItem"}
    found = _ok(client.get(f"{API}/doctypes", params={"q": "invoice"}))
    assert [a["app"] for a in found] == ["crm"]


def test_field_types_include_the_ones_apps_register(client: TestClient[Any]) -> None:
    types = {t["key"]: t for t in _ok(client.get(f"{API}/field-types"))["types"]}
    assert {"data", "link", "table", "select"} <= set(types)
    assert types["email"]["kind"] == "data"
    assert types["email"]["imports"] == [["library.types", "Email"]]
    assert types["email"]["description"] == "An e-mail address."


def test_reading_shows_schema_controller_and_etag(client: TestClient[Any]) -> None:
    view = _ok(client.get(f"{API}/doctypes/SalesInvoice"))
    assert view["editable"] is False
    assert view["path"].endswith("crm/sales_invoice.py")
    fields = {f["name"]: f for f in view["doctype"]["fields"]}
    assert fields["customer"]["link"] == "Customer"
    assert fields["items"]["child"] == "SalesInvoiceItem"
    methods = {m["name"]: m["kind"] for m in view["controller"]["methods"]}
    assert methods["validate"] == "hook"
    assert methods["outstanding"] == "whitelisted"
    assert len(view["etag"]) == 32


def _create(client: TestClient[Any], doctype: dict[str, Any], status: int = 201) -> Any:
    return _ok(client.post(f"{API}/doctypes", json={"app": "library", "doctype": doctype}), status)


CHILD = {
    "name": "LoanLine",
    "is_child": True,
    "fields": [{"name": "note", "type": "data", "nullable": True, "has_default": True}],
}
LOAN = {
    "name": "Loan",
    "docstring": "A book lent to a member.",
    "fields": [
        {"name": "book", "type": "link", "link": "Book", "label": "Book"},
        {"name": "member_email", "type": "email"},
        {"name": "lines", "type": "table", "child": "LoanLine", "has_default": True},
    ],
    "meta": {
        "api_resource": True,
        "permissions": [{"role": "Librarian", "actions": ["read", "create"]}],
    },
}


def test_create_preview_update_rename_and_delete(client: TestClient[Any], root: Path) -> None:
    package = root / "src" / "library"
    missing = _ok(client.post(f"{API}/preview", json={"app": "library", "doctype": LOAN}), 422)
    assert missing["errors"] == [
        {
            "loc": ["doctype", "fields", 2, "child"],
            "message": "there is no child DocType 'LoanLine'",
            "type": "invalid",
        }
    ]
    _create(client, CHILD)
    assert not (package / "loan.py").exists()  # a preview writes nothing
    preview = _ok(client.post(f"{API}/preview", json={"app": "library", "doctype": LOAN}))
    assert preview["path"] == "src/library/loan.py"
    assert "doctypes=[Book, Loan]" in preview["app_source"]
    assert not (package / "loan.py").exists()

    created = _create(client, LOAN)
    source = (package / "loan.py").read_text()
    assert source == created["source"] == preview["source"]
    assert 'book: Annotated[UUID, Link("Book")] = Field(title="Book")' in source
    assert "member_email: Email" in source
    assert "from library.types import Email" in source
    assert "lines: list[LoanLine] = Field(default_factory=list)" in source
    assert "from .loan_line import LoanLine" in source
    assert "doctypes=[Book, Loan]" in (package / "app.py").read_text()
    assert "LoanLine" not in (package / "app.py").read_text()  # children are not registered
    _create(client, LOAN, 409)

    # A hand-written method, then a rename through Studio: the method stays, the rename is recorded.
    hand = "\n    def overdue(self) -> bool:\n        # hand-written\n        return False\n"
    (package / "loan.py").write_text(
        source.replace("\n\n    class Meta:", hand + "\n    class Meta:")
    )
    view = _ok(client.get(f"{API}/doctypes/Loan"))
    fields = [{**f, "previous_name": f["name"]} for f in view["doctype"]["fields"]]
    fields[0]["name"] = "title_book"
    fields.insert(0, fields.pop(2))  # move the table first
    doctype = {**view["doctype"], "fields": fields}
    stale = client.put(f"{API}/doctypes/Loan", json={"etag": created["etag"], "doctype": doctype})
    problem = _ok(stale, 409)
    assert problem["code"] == "conflict"
    assert problem["etag"] == view["etag"]
    assert problem["source"] == view["source"]
    saved = _ok(client.put(f"{API}/doctypes/Loan", json={"etag": view["etag"], "doctype": doctype}))
    assert saved["renames"] == [["book", "title_book"]]
    assert saved["etag"] != view["etag"]
    text = (package / "loan.py").read_text()
    assert hand in text
    assert text.index("lines:") < text.index("title_book:") < text.index("member_email:")
    assert 'old = "book"' in (root / "migrations" / "renames.toml").read_text()

    # Deleting: a child in use is refused; the DocType goes from its module and from the app.
    child = _ok(client.get(f"{API}/doctypes/LoanLine"))
    _ok(client.delete(f"{API}/doctypes/LoanLine", params={"etag": child["etag"]}), 409)
    _ok(client.delete(f"{API}/doctypes/Loan", params={"etag": saved["etag"]}), 204)
    assert not (package / "loan.py").exists()
    app = (package / "app.py").read_text()
    assert "Loan" not in app
    assert "doctypes=[Book]" in app
    _ok(client.get(f"{API}/doctypes/Loan"), 404)


def test_apps_outside_the_project_are_read_only(client: TestClient[Any]) -> None:
    view = _ok(client.get(f"{API}/doctypes/Item"))
    result = client.put(
        f"{API}/doctypes/Item", json={"etag": view["etag"], "doctype": view["doctype"]}
    )
    assert _ok(result, 403)["code"] == "permission_denied"
    denied = client.post(f"{API}/doctypes", json={"app": "crm", "doctype": {"name": "Lead"}})
    assert _ok(denied, 403)["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("doctype", "where"),
    [
        ({"name": "lower"}, "doctype.name"),
        ({"name": "Bad", "fields": [{"name": "class", "type": "data"}]}, "doctype.fields.0.name"),
        ({"name": "Bad", "fields": [{"name": "x", "type": "link"}]}, "doctype.fields.0"),
        ({"name": "Bad", "fields": [{"name": "id", "type": "data"}]}, "doctype.fields.0.name"),
        ({"name": "Bad", "meta": {"naming": "field:"}}, "doctype.meta"),
        ({"name": "../../etc", "fields": []}, "doctype.name"),
    ],
)
def test_invalid_schemas_are_400_with_the_field(
    client: TestClient[Any], root: Path, doctype: dict[str, Any], where: str
) -> None:
    before = sorted(p.name for p in (root / "src" / "library").iterdir())
    problem = _ok(client.post(f"{API}/doctypes", json={"app": "library", "doctype": doctype}), 400)
    assert any(where in ".".join(map(str, e["loc"])) for e in problem["errors"]), problem
    assert sorted(p.name for p in (root / "src" / "library").iterdir()) == before


def test_unknown_types_and_children_are_422(client: TestClient[Any]) -> None:
    for field in ({"name": "x", "type": "money"}, {"name": "x", "type": "table", "child": "Nope"}):
        problem = _create(client, {"name": "Bad", "fields": [field]}, 422)
        assert problem["code"] == "validation"


def test_foreign_hosts_origins_and_forms_are_refused(client: TestClient[Any]) -> None:
    assert client.get(f"{API}/project", headers={"host": "attacker.example"}).status_code == 403
    cross = client.post(
        f"{API}/preview",
        json={"doctype": {"name": "X"}},
        headers={"origin": "http://attacker.example"},
    )
    assert cross.status_code == 403
    form = client.post(
        f"{API}/doctypes",
        content=b"app=library",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 415


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_m_studio_serves_on_loopback_by_default(root: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [Path(sys.executable).with_name("m"), "studio", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}{API}/project", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["root"] == str(root.resolve())
        listening = subprocess.run(
            ["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=True
        ).stdout
        assert f"127.0.0.1:{port}" in listening
        assert f"0.0.0.0:{port}" not in listening
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_m_studio_refuses_a_missing_project(tmp_path: Path) -> None:
    result = subprocess.run(
        [Path(sys.executable).with_name("m"), "studio", "--project", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: --project"), result.stderr
