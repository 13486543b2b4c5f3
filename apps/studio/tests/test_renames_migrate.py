"""A field renamed in Studio becomes a column rename in the next migration, not drop + add.

The whole path as a developer takes it: an installed app with a migrated SQLite database holding a
row, Studio renames the field (writing the module and recording the rename), and a plain
``m migrate revision --autogenerate`` — no terminal, no ``--rename`` — keeps the row's value.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from framework_m_standard.sql.migrations import RECORDED_RENAMES
from framework_m_studio.project import Project
from framework_m_studio.renames import RENAMES_FILE, read
from framework_m_studio.workspace import Workspace

M = Path(sys.executable).with_name("m")
EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "invoicing.py"
DATA = """
import asyncio, json, sys
from framework_m_core import SystemContext
from framework_m_core.composition import start_runtime


async def main(action: str) -> None:
    async with await start_runtime() as rt:
        if action == "create":
            await rt.kernel.create(SystemContext(), "Customer", {"customer_name": "Acme", "territory": "South"})
        rows = (await rt.kernel.list(SystemContext(), "Customer")).items
        print(json.dumps([r.model_dump(mode="json") for r in rows]))


asyncio.run(main(sys.argv[1]))
"""


def _run(root: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        args, cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_studio_rename_keeps_the_column_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert RENAMES_FILE == RECORDED_RENAMES  # Studio writes where m migrate reads
    site = tmp_path / "site"
    package = site / "invoicing_example"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(EXAMPLE.read_text())
    info = site / "invoicing_example-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: invoicing-example\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[framework_m.apps]\ninvoicing = invoicing_example:app\n"
    )
    (tmp_path / "framework_config.toml").write_text('apps = ["invoicing"]\n')
    (tmp_path / "data.py").write_text(DATA)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
    env = {**clean, "PYTHONPATH": str(site)}

    _run(tmp_path, env, str(M), "migrate", "revision", "--autogenerate", "-m", "initial")
    _run(tmp_path, env, str(M), "migrate", "upgrade")
    _run(tmp_path, env, sys.executable, "data.py", "create")

    monkeypatch.syspath_prepend(str(site))
    entry = importlib.metadata.EntryPoint("invoicing", "invoicing_example:app", "framework_m.apps")
    workspace = Workspace(Project(tmp_path, entry_points=[entry]))
    workspace.types, workspace.problems = Workspace.open(tmp_path).types, []
    view = workspace.read("Customer")
    assert view.editable
    fields = [
        f.model_copy(
            update={"previous_name": f.name, "name": "region" if f.name == "territory" else f.name}
        )
        for f in view.doctype.fields
    ]
    saved = workspace.update(
        "Customer", view.doctype.model_copy(update={"fields": fields}), view.etag
    )
    assert saved.renames == [("territory", "region")]
    assert 'region: Literal["North", "South"] = "North"' in (package / "__init__.py").read_text()
    recorded = tmp_path / "migrations" / RENAMES_FILE
    assert [(r.doctype, r.old, r.new) for r in read(recorded)] == [
        ("Customer", "territory", "region")
    ]

    wrote = _run(tmp_path, env, str(M), "migrate", "revision", "--autogenerate", "-m", "region")
    assert "rename column customer.territory → region" in wrote
    assert "recorded rename Customer.territory=region: applied" in wrote
    assert not recorded.exists()
    _run(tmp_path, env, str(M), "migrate", "upgrade")
    rows = json.loads(_run(tmp_path, env, sys.executable, "data.py", "read"))
    assert [(r["customer_name"], r["region"]) for r in rows] == [("Acme", "South")]
