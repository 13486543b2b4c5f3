"""The code model's two promises, as properties: what Studio writes reads back as the same schema,
and an edit changes only what it must — every hand-written line of the file survives byte for byte."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from framework_m_studio.edit import update_doctype
from framework_m_studio.generate import doctype_module
from framework_m_studio.model import DocTypeModel
from framework_m_studio.parse import read_module
from framework_m_studio.render import Catalog

from .strategies import doctypes, edits

CATALOG = Catalog.of(InvoiceRow=".invoice_row", Line=".line")
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plain(doctype: DocTypeModel) -> DocTypeModel:
    """The schema without ``previous_name`` (an update instruction, not part of the code)."""
    return doctype.model_copy(
        update={"fields": [f.model_copy(update={"previous_name": None}) for f in doctype.fields]}
    )


def _read(source: str, name: str) -> DocTypeModel:
    (found,) = [d for d in read_module(source, CATALOG).doctypes if d.name == name]
    return found


@PROPERTY
@given(doctypes())
def test_generated_modules_read_back_as_the_same_schema(doctype: DocTypeModel) -> None:
    source = doctype_module(doctype, CATALOG)
    compile(source, "generated.py", "exec")
    assert _read(source, doctype.name) == doctype
    # Generating is deterministic: the same schema, the same bytes.
    assert doctype_module(doctype, CATALOG) == source


HAND_WRITTEN_MODULE = [
    "# Hand-written: module-level notes survive every edit.",
    "RATE_LIMIT = 10  # hand-written constant",
]
HAND_WRITTEN_METHOD = [
    "    def describe(self) -> str:",
    '        """Hand-written method: Studio never touches it."""',
    "        # a comment inside the method",
    '        return f"{type(self).__name__} {self.name}"',
]
HAND_WRITTEN_CONTROLLER = [
    "    def validate(self) -> None:",
    "        # hand-written rule",
    "        if RATE_LIMIT < 0:",
    '            raise ValueError("negative")',
]


def _decorate(source: str, doctype: DocTypeModel) -> tuple[str, list[str], dict[str, str]]:
    """Add hand-written lines to a generated module: comments above fields, trailing comments,
    a method in the class and in the controller, module-level code. Returns the source, the lines
    that must always survive, and each field's trailing comment (kept while the field is)."""
    lines = source.split("\n")
    out: list[str] = []
    always: list[str] = [*HAND_WRITTEN_MODULE, *HAND_WRITTEN_METHOD]
    trailing: dict[str, str] = {}
    names = {f.name for f in doctype.fields}
    in_class = False
    for line in lines:
        if line.startswith(f"class {doctype.name}("):
            in_class = True
        elif line.startswith("class "):
            in_class = False
        match = re.match(r"^    ([a-z][a-z0-9_]*): ", line)
        if in_class and match and match.group(1) in names:
            comment = f"    # note about {match.group(1)}"
            out.append(comment)
            always.append(comment)
            if not line.rstrip().endswith(("(", "[", "{", ",")):  # a one-line statement
                line = f"{line}  # inline {match.group(1)}"
                trailing[match.group(1)] = line.strip()
        out.append(line)
    text = "\n".join(out)
    # Module-level code after the imports, and a method at the end of the DocType class.
    first_class = text.index("\n\nclass ")
    text = text[:first_class] + "\n\n" + "\n".join(HAND_WRITTEN_MODULE) + text[first_class:]
    class_start = text.index(f"class {doctype.name}(")
    next_class = text.find("\n\n\nclass ", class_start)
    end = next_class if next_class != -1 else len(text.rstrip("\n"))
    text = text[:end] + "\n\n" + "\n".join(HAND_WRITTEN_METHOD) + text[end:]
    if not doctype.is_child:
        text = text.rstrip("\n") + "\n\n" + "\n".join(HAND_WRITTEN_CONTROLLER) + "\n"
        always.extend(HAND_WRITTEN_CONTROLLER)
    return text, always, trailing


@PROPERTY
@given(st.data())
def test_edits_keep_every_hand_written_line(data: st.DataObject) -> None:
    old = data.draw(doctypes(name="Invoice"))
    base, always, trailing = _decorate(doctype_module(old, CATALOG), old)
    compile(base, "base.py", "exec")
    assert _read(base, "Invoice") == old  # decorations are not schema
    new = data.draw(edits(old))
    result = update_doctype(base, new, CATALOG)
    compile(result.source, "edited.py", "exec")
    assert _read(result.source, "Invoice") == _plain(new)
    for line in always:
        assert line in result.source.split("\n"), line
    method = "\n".join(HAND_WRITTEN_METHOD)
    assert method in result.source
    kept = {f.previous_name for f in new.fields if f.previous_name is not None}
    unchanged = {
        f.name
        for f in new.fields
        if f.previous_name == f.name
        and f.model_copy(update={"previous_name": None})
        == next(o for o in old.fields if o.name == f.name)
    }
    for name, line in trailing.items():
        if name in unchanged:
            assert line in result.source, line
        if name in kept:
            assert f"# inline {name}" in result.source
    assert result.renames == [
        (f.previous_name, f.name)
        for f in new.fields
        if f.previous_name is not None and f.previous_name != f.name
    ]


def test_an_unchanged_schema_changes_nothing() -> None:
    source = Path(__file__).parents[3].joinpath("apps/crm/src/crm/sales_invoice.py").read_text()
    catalog = Catalog.of()
    for doctype in read_module(source, catalog).doctypes:
        assert update_doctype(source, doctype, catalog).source == source


@settings(
    max_examples=1, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
)
@given(st.lists(doctypes(), min_size=12, max_size=12, unique_by=lambda d: d.name))
def test_generated_code_is_ruff_and_mypy_clean(
    tmp_path_factory: pytest.TempPathFactory, batch: list[DocTypeModel]
) -> None:
    package = tmp_path_factory.mktemp("gen") / "generated"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for child in ("InvoiceRow", "Line"):
        module = "invoice_row" if child == "InvoiceRow" else "line"
        (package / f"{module}.py").write_text(
            "from framework_m import ChildDocType\n\n\nclass "
            f"{child}(ChildDocType):\n    note: str | None = None\n"
        )
    for i, doctype in enumerate(batch):
        (package / f"m{i}.py").write_text(doctype_module(doctype, CATALOG))
    root = package.parent
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run(
        [
            *ruff,
            "check",
            "--isolated",
            "--select",
            "E,F,W,I,B,UP,SIM,RUF",
            "--line-length",
            "100",
            "--ignore",
            "E501,RUF001,RUF002,RUF003",
            ".",
        ],
        cwd=root,
        check=True,
    )
    subprocess.run(
        [*ruff, "format", "--isolated", "--line-length", "100", "--check", "."],
        cwd=root,
        check=True,
    )
    (root / "mypy.ini").write_text("[mypy]\nstrict = true\nplugins = pydantic.mypy\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-incremental",
            "--config-file",
            "mypy.ini",
            "generated",
        ],
        cwd=root,
        check=True,
    )
