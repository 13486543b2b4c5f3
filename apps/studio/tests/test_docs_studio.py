"""docs/studio.md shows what Studio writes; these tests make Studio write exactly that."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework_m_studio.field_types import FIELD_TYPES_GROUP, builtin_types, registered_types
from framework_m_studio.generate import class_source
from framework_m_studio.parse import read_module
from framework_m_studio.renames import Rename, read
from framework_m_studio.render import Catalog

PAGE = Path(__file__).parents[3] / "docs" / "studio.md"
TEXT = PAGE.read_text()
PYTHON = re.findall(r"```python\n(.*?)```", TEXT, re.DOTALL)
TOML = re.findall(r"```toml\n(.*?)```", TEXT, re.DOTALL)


@pytest.fixture
def email_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Catalog]:
    """The page's ``library/types.py`` as an installed module, registered as the page says."""
    package = tmp_path / "library"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "types.py").write_text(PYTHON[1].split("\n", 1)[1])
    monkeypatch.syspath_prepend(str(tmp_path))
    (value,) = tomllib.loads(TOML[1])["project"]["entry-points"][FIELD_TYPES_GROUP].values()
    entry = importlib.metadata.EntryPoint("email", value, FIELD_TYPES_GROUP)
    registered, problems = registered_types([entry])
    yield Catalog.of([*builtin_types(), *registered], LoanLine=".loan_line")
    for name in [m for m in sys.modules if m == "library" or m.startswith("library.")]:
        del sys.modules[name]
    assert problems == []


def test_the_loan_example_is_what_studio_writes(email_type: Catalog) -> None:
    shown = PYTHON[0].rstrip("\n")
    (doctype,) = read_module(shown, email_type).doctypes
    assert [f.type for f in doctype.fields] == ["link", "email", "select", "decimal", "table"]
    assert class_source(doctype, email_type).source == shown


def test_the_registered_type_reads_as_the_page_says(email_type: Catalog) -> None:
    email = email_type.types["email"]
    assert (email.kind, email.annotation, email.description) == (
        "data",
        "Email",
        "An e-mail address.",
    )
    assert email.imports == (("library.types", "Email"),)


def test_the_recorded_renames_example_is_the_file_format(tmp_path: Path) -> None:
    path = tmp_path / "renames.toml"
    path.write_text(TOML[0])
    assert read(path) == [Rename("Customer", "territory", "region")]
