"""``m docs generate`` against the demo CRM: the pages state the right facts, byte for byte the same
on every run, and never touch a file the command did not write."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import Field

from crm.app import app as crm_app
from framework_m_core import App, CallerContext, DocTypeExtension, rpc
from framework_m_core.builtin import app as core_app
from framework_m_core.registry import MetaRegistry
from framework_m_standard.cli.app import main as m_main
from framework_m_studio.docs_reference import MARKER, generate

M = Path(sys.executable).with_name("m")
CONFIG = 'apps = ["crm"]\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project that loads the CRM app (no database: the reference needs only the registry)."""
    (tmp_path / "framework_config.toml").write_text(CONFIG)
    for name in [k for k in os.environ if k.startswith("FRAMEWORK_M_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def m_process(project: Path, *args: str, seed: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
    return subprocess.run(
        [str(M), "docs", "generate", *args],
        cwd=project,
        env={**env, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def table(page: str, first_cell: str) -> list[str]:
    """The cells of the Markdown table row that starts with ``first_cell``."""
    for line in page.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("|") and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell!r}")


def read_tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def test_the_pages_are_the_same_bytes_on_every_run(project: Path) -> None:
    """Two processes with different hash seeds (set iteration order differs) write equal trees."""
    trees = []
    for seed in ("1", "2"):
        result = m_process(project, "--output", f"ref{seed}", seed=seed)
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"wrote 10 DocType pages and ref{seed}/index.md\n"
        trees.append(read_tree(project / f"ref{seed}"))
    assert trees[0] == trees[1]
    assert sorted(trees[0]) == [
        "core/DocShare.md",
        "crm/Contact.md",
        "crm/Customer.md",
        "crm/Item.md",
        "crm/SalesInvoice.md",
        "identity/ApiKey.md",
        "identity/AuthSession.md",
        "identity/Role.md",
        "identity/User.md",
        "identity/UserPassword.md",
        "index.md",
    ]


def test_the_sales_invoice_page_states_the_facts(project: Path) -> None:
    assert m_main(["docs", "generate", "--output", "ref"]) == 0
    page = (project / "ref" / "crm" / "SalesInvoice.md").read_text()
    assert page.startswith(f"<!-- {MARKER} ")
    assert (
        "# Sales Invoice\n\n`SalesInvoice` · app `crm` · `crm.sales_invoice.SalesInvoice`" in page
    )
    assert "A bill to a customer for items sold." in page
    assert table(page, "naming")[1] == (
        "naming series `SINV-.YYYY.-.#####`, e.g. `SINV-YYYY-00001` (one counter per prefix)"
    )
    assert table(page, "submittable")[1].startswith("yes: draft → submitted → cancelled")
    assert table(page, "REST API")[1] == "`/api/v1/SalesInvoice`"
    assert table(page, "indexes")[1] == "`customer`; `status`; `posting_date`"

    assert table(page, "`customer`")[:5] == [
        "`customer`",
        "Customer",
        "link → [Customer](Customer.md)",
        "yes",
        "",
    ]
    items = table(page, "`items`")
    assert items[2] == "table of [SalesInvoiceItem](#child-table-salesinvoiceitem)"
    assert table(page, "`status`")[4:6] == [
        "`'Draft'`",
        "one of `Draft`, `Unpaid`, `Paid`, `Cancelled`",
    ]
    assert table(page, "`taxes_rate`")[5] == "≥ 0; ≤ 100; at most 5 digits; 2 decimal places"
    assert table(page, "`customer_name`")[2:6] == [
        "data, nullable",
        "",
        "",
        "fetched from `customer.customer_name` on save",
    ]

    child = page.split("### Child table SalesInvoiceItem", 1)[1].split("## Permissions")[0]
    assert "The rows of `items`. One invoice row: an item, how many and at what rate." in child
    assert table(child, "`item`")[2] == "link → [Item](Item.md)"
    assert table(child, "`qty`")[4:7] == [
        "`1`",
        "> 0; at most 12 digits; 3 decimal places",
        "How many units; must be more than 0.",
    ]

    header = table(page, "role")
    assert header == [
        "role",
        "rows",
        "read",
        "write",
        "create",
        "delete",
        "submit",
        "cancel",
        "amend",
    ]
    sales = dict(zip(header, table(page, "Sales User"), strict=True))
    assert sales["rows"] == "own: `owner` is the user or one of their teams"
    granted = [action for action in header[2:] if sales[action] == "✓"]
    assert granted == ["read", "write", "create", "submit"]
    manager = dict(zip(header, table(page, "Sales Manager"), strict=True))
    assert manager["rows"] == "all"
    assert all(manager[action] == "✓" for action in header[2:])

    assert "`crm.sales_invoice.SalesInvoiceController`" in page
    assert table(page, "`validate`") == [
        "`validate`",
        "yes",
        "Runs on every save and again on submit (not on cancel); raises ValidationError.",
    ]
    assert table(page, "`before_submit`")[1] == "no"
    assert table(page, "`before_cancel`")[1] == "no"
    assert "`after_save`" not in page, "only the hooks the controller overrides"

    assert "### `outstanding(as_of: date | None = None) -> Outstanding`" in page
    method = page.split("### `outstanding", 1)[1]
    assert "`POST /api/v1/rpc/SalesInvoice/outstanding`" in method
    assert '`{"id": "<id or name>", "args": {"as_of": …}}`' in method
    assert "Needs the `read`\npermission on the document." in method
    assert "What is still owed on this invoice" in method


def test_the_excerpt_in_the_docs_is_what_the_command_writes(project: Path) -> None:
    guide = (Path(__file__).resolve().parents[3] / "docs" / "codegen.md").read_text()
    excerpt = guide.split("```markdown\n", 1)[1].split("```", 1)[0]
    assert m_main(["docs", "generate", "--output", "ref"]) == 0
    page = (project / "ref" / "crm" / "SalesInvoice.md").read_text().splitlines()
    shown = [line for line in excerpt.splitlines() if line != "..."]
    assert len(shown) == 6
    assert all(line in page for line in shown), [line for line in shown if line not in page]


def test_other_pages_and_the_index(project: Path) -> None:
    assert m_main(["docs", "generate", "--output", "ref"]) == 0
    customer = (project / "ref" / "crm" / "Customer.md").read_text()
    assert (
        table(customer, "naming")[1] == "the value of field `customer_name` (`field:customer_name`)"
    )
    assert table(customer, "`customer_type`")[5] == "one of `Company`, `Individual`"
    assert "## Whitelisted methods" not in customer
    contact = (project / "ref" / "crm" / "Contact.md").read_text()
    assert "`crm.customer.ContactController`" in contact
    assert table(contact, "`validate`")[1] == "yes"

    index = (project / "ref" / "index.md").read_text()
    apps = [line[3:] for line in index.splitlines() if line.startswith("## ")]
    assert apps == ["core", "identity", "crm"], "in load order"
    assert "app 'crm' (framework-m-crm 0.1.0, crm.app:app)" in index
    assert table(index, "[SalesInvoice](crm/SalesInvoice.md)")[1:] == [
        "Sales Invoice",
        "A bill to a customer for items sold.",
        "submittable, `/api/v1/SalesInvoice`",
    ]
    assert table(index, "[UserPassword](identity/UserPassword.md)")[3] == "not served over HTTP"


class CustomerLoyalty(DocTypeExtension):
    loyalty_tier: str = Field(default="bronze", max_length=20, description="Set by marketing.")


@rpc(roles=("Sales Manager",))
def top_customers(ctx: CallerContext, limit: int = 5) -> list[str]:
    """The best customers by invoiced amount."""
    return [ctx.user][:limit]


def test_the_pages_describe_what_runs_extensions_and_rpc_included(tmp_path: Path) -> None:
    """Pages come from the registry, so another app's extension fields and RPC functions show."""
    extension = App(
        name="loyalty",
        overrides={"Customer": CustomerLoyalty},
        rpc=[top_customers],
    )
    registry = MetaRegistry([core_app, crm_app, extension])
    generate(tmp_path, registry_of=lambda: registry)
    customer = (tmp_path / "crm" / "Customer.md").read_text()
    assert table(customer, "`loyalty_tier`")[4:] == [
        "`'bronze'`",
        "at most 20 characters",
        "Set by marketing.",
    ]
    index = (tmp_path / "index.md").read_text()
    loyalty = index.split("## loyalty", 1)[1]
    assert "No DocTypes." in loyalty
    expected = f"`{__name__}.top_customers`: The best customers by invoiced amount."
    assert expected in loyalty


def test_stale_pages_go_and_other_files_stay(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ghost = project / "ref" / "crm" / "Ghost.md"
    gone_app = project / "ref" / "old_app" / "Thing.md"
    notes = project / "ref" / "crm" / "notes.md"
    for path in (ghost, gone_app, notes):
        path.parent.mkdir(parents=True, exist_ok=True)
    ghost.write_text(f"<!-- {MARKER} from the installed apps -->\n# Ghost\n")
    gone_app.write_text(f"<!-- {MARKER} from the installed apps -->\n# Thing\n")
    notes.write_text("# My notes\n")
    assert m_main(["docs", "generate", "--output", "ref"]) == 0
    out = capsys.readouterr().out
    assert "removed ref/crm/Ghost.md (its DocType is gone)" in out
    assert not ghost.exists()
    assert not gone_app.parent.exists(), "an emptied app directory goes too"
    assert notes.read_text() == "# My notes\n"


def test_a_page_it_did_not_write_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = project / "ref" / "crm" / "SalesInvoice.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("# My own notes on invoices\n")
    assert m_main(["docs", "generate", "--output", "ref"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "error: ref/crm/SalesInvoice.md: not written by m docs generate; move it away or choose "
        "another --output\n"
    )
    assert sorted(read_tree(project / "ref")) == ["crm/SalesInvoice.md"], "nothing written"


def test_one_app_only(project: Path) -> None:
    assert m_main(["docs", "generate", "--output", "ref", "--app", "crm"]) == 0
    assert sorted(read_tree(project / "ref")) == [
        "crm/Contact.md",
        "crm/Customer.md",
        "crm/Item.md",
        "crm/SalesInvoice.md",
        "index.md",
    ]
    index = (project / "ref" / "index.md").read_text()
    assert [line for line in index.splitlines() if line.startswith("## ")] == ["## crm"]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (
            ["--app", "nope"],
            1,
            "error: no loaded app named 'nope'; loaded apps: core, identity, crm",
        ),
        (["--output", "taken.txt"], 1, "error: --output taken.txt is a file; give a directory"),
        (["--bogus"], 2, "error: Unknown option"),
    ],
)
def test_bad_input(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: int,
    message: str,
) -> None:
    (project / "taken.txt").write_text("mine\n")
    assert m_main(["docs", "generate", *args]) == status
    err = capsys.readouterr().err
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in project.iterdir()) == ["framework_config.toml", "taken.txt"]
