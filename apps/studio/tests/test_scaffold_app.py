"""``m new app`` and ``m new doctype`` as a developer uses them: the scaffold installs into a fresh
virtual environment, passes its own tests, ruff and mypy --strict; bad input is one line, exit 1,
and leaves nothing behind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import clean_env, run, uv

M = Path(sys.executable).with_name("m")


def _tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An app scaffolded with a first DocType, a child DocType and a DocType using both."""
    work = tmp_path_factory.mktemp("apps")
    run(M, "new", "app", "library", "--doctype", "Book", cwd=work)
    app = work / "library"
    run(
        M,
        "new",
        "doctype",
        "LoanLine",
        "--child",
        "--field",
        "book:link:Book",
        "--field",
        "note:data?",
        cwd=app,
    )
    run(
        M,
        "new",
        "doctype",
        "Loan",
        "--field",
        "due:date",
        "--field",
        "lines:table:LoanLine",
        "--field",
        "status:select:Open,Returned",
        "--field",
        "fee:decimal?",
        cwd=app / "src" / "library",  # anywhere inside the app works
    )
    return app


def test_the_scaffold_lays_out_an_app(library: Path) -> None:
    assert _tree(library) == [
        ".gitignore",
        "README.md",
        "framework_config.toml",
        "pyproject.toml",
        "src",
        "src/library",
        "src/library/__init__.py",
        "src/library/app.py",
        "src/library/book.py",
        "src/library/loan.py",
        "src/library/loan_line.py",
        "src/library/py.typed",
        "tests",
        "tests/test_book.py",
        "tests/test_loan.py",
    ]
    app = (library / "src/library/app.py").read_text()
    assert "doctypes=[Book, Loan]" in app
    assert '"Loan": LoanController' in app
    loan = (library / "src/library/loan.py").read_text()
    assert "from .loan_line import LoanLine" in loan
    assert "lines: list[LoanLine] = Field(default_factory=list" in loan
    assert 'Annotated[UUID, Link("Book")]' in (library / "src/library/loan_line.py").read_text()


def test_the_scaffold_installs_and_passes_its_tests_ruff_and_mypy(
    library: Path, framework_wheels: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    run(uv(), "venv", "-q", "-p", sys.executable, venv)
    python = venv / "bin" / "python"
    run(
        uv(),
        "pip",
        "install",
        "-q",
        "-p",
        python,
        "--find-links",
        framework_wheels,
        "-e",
        f"{library}[test]",
        "ruff",
        "mypy",
    )
    tests = run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=library, env=clean_env()
    )
    assert "4 passed" in tests.stdout, tests.stdout
    run(venv / "bin" / "ruff", "check", ".", cwd=library)
    run(venv / "bin" / "ruff", "format", "--check", ".", cwd=library)
    run(venv / "bin" / "mypy", "src", "tests", cwd=library)
    info = run(venv / "bin" / "m", "info", "--json", cwd=library)
    assert '"Loan"' in info.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("app", "Bad-Name"), "use lower_case letters"),
        (("app", "json"), "already exists"),
        (("doctype", "Task"), "not inside an app's directory; pass --app NAME"),
        (("doctype", "Task", "--app", "nope"), "there is no installed app 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(M, "new", *args, cwd=tmp_path, code=1)
    assert result.stderr.startswith("error: "), result.stderr
    assert message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert _tree(tmp_path) == []


def test_a_bad_doctype_in_an_app_changes_nothing(library: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in library.rglob("*") if p.is_file()}
    for args in (
        ("Shelf", "--field", "books:table:Book"),  # Book is not a child DocType
        ("shelf", "--field", "x:data"),  # not CamelCase
        ("Shelf", "--field", "x:nonsense"),  # unknown field type
        ("Book",),  # exists
    ):
        result = run(M, "new", "doctype", *args, cwd=library, code=1)
        assert result.stderr.startswith("error: "), result.stderr
    assert {p: p.read_bytes() for p in library.rglob("*") if p.is_file()} == before


def test_a_non_empty_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "notes.txt").write_text("mine")
    result = run(M, "new", "app", "library", cwd=tmp_path, code=1)
    assert "not an empty directory" in result.stderr
    assert _tree(tmp_path) == ["library", "library/notes.txt"]
