"""``m codegen client`` end to end: clients generated from the demo CRM, checked by ruff, mypy and
tsc, then used against a real demo server (SQLite, seeded users) in processes of their own.

TypeScript needs ``npm``: ``tests/ts_client`` pins typescript, installed here with ``npm ci`` into its
``node_modules`` (kept between runs while ``package-lock.json`` is unchanged).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from framework_m_standard.cli.app import main as m_main
from framework_m_standard.web.testing import ServerProcess, free_port
from framework_m_studio.codegen import generate_client

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
TS = HERE / "ts_client"
M = Path(sys.executable).with_name("m")
EDGE_CASES = HERE / "openapi_edge_cases.json"
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
DOCS_ADDRESS = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Demo:
    base: str
    project: Path
    env: dict[str, str]


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def m(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The ``m`` console script, in a process of its own."""
    return run([str(M), *args], cwd, env)


def with_path(directory: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(directory)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``scripts/demo.py`` (seeded users and data) on a free port, stopped by its process group."""
    directory = tmp_path_factory.mktemp("codegen-demo")
    project = directory / "project"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "FRAMEWORK_M_CONFIG"}
    script = str(ROOT / "scripts" / "demo.py")
    command = [sys.executable, script, "--project", str(project), "--port", str(port)]
    with ServerProcess(command, cwd=directory, port=port, env=env, timeout=90) as server:
        config = str(project / "framework_config.toml")
        yield Demo(server.base, project, {**env, "FRAMEWORK_M_CONFIG": config})


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module's mypy runs: httpx, pydantic and the standard library once."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(scope="module")
def python_client(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory holding ``crm_client``, generated from the running demo's document."""
    directory = tmp_path_factory.mktemp("python-client")
    args = ["--lang", "python", "--url", demo.base, "--output", "crm_client"]
    out = ok(m("codegen", "client", *args, cwd=directory))
    assert "wrote crm_client/models.py" in out
    assert "import crm_client (needs httpx and pydantic 2)" in out
    return directory


def docs_examples() -> list[str]:
    return PYTHON_BLOCK.findall((ROOT / "docs" / "codegen.md").read_text())


def lint_and_type_check(directory: Path, cache: Path, package: str, *users: str) -> None:
    """ruff check and ruff format (at our width and at ruff's default 88) of ``package`` with the
    repository's rules, then mypy --strict with an empty configuration (no plugin), as a user's
    project would run them, over the package and ``users``, code written against it."""
    config = str(ROOT / "pyproject.toml")
    ruff = [sys.executable, "-m", "ruff"]
    ok(run([*ruff, "check", "--config", config, package], directory))
    for width in ("100", "88"):
        check = [
            "format",
            "--check",
            "--diff",
            "--config",
            config,
            "--config",
            f"line-length={width}",
        ]
        ok(run([*ruff, *check, package], directory))
    (directory / "mypy.ini").write_text("[mypy]\n")
    mypy = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini"]
    ok(run([*mypy, "--cache-dir", str(cache), package, *users], directory))


def typescript() -> Path:
    """``tsc`` of ``tests/ts_client``, installed with ``npm ci`` unless that lock file's install is
    already there."""
    if shutil.which("npm") is None:
        pytest.fail("npm is needed to type-check the TypeScript client (Node 20 and npm)")
    stamp = TS / "node_modules" / ".installed-lock-sha256"
    digest = hashlib.sha256((TS / "package-lock.json").read_bytes()).hexdigest()
    compiler = TS / "node_modules" / ".bin" / "tsc"
    if not (compiler.exists() and stamp.exists() and stamp.read_text() == digest):
        ok(run(["npm", "ci", "--no-audit", "--no-fund"], TS))
        stamp.write_text(digest)
    return compiler


def tsc(*args: str | Path) -> None:
    """``tsc --strict`` for modern runtimes with ``fetch`` (the DOM library)."""
    flags = ["--strict", "--skipLibCheck", "--target", "es2022", "--module", "es2022"]
    flags += ["--moduleResolution", "bundler", "--lib", "es2022,dom"]
    ok(run([str(typescript()), *flags, *map(str, args)], TS))


def test_the_python_client_passes_ruff_and_mypy_strict_with_its_users_code(
    python_client: Path, mypy_cache: Path
) -> None:
    shutil.copy(HERE / "client_journey.py", python_client / "client_journey.py")
    examples = []
    for i, code in enumerate(docs_examples()):
        (python_client / f"docs_example_{i}.py").write_text(code)
        examples.append(f"docs_example_{i}.py")
    # The code written with it type-checks too: the journey and the documented examples.
    lint_and_type_check(python_client, mypy_cache, "crm_client", "client_journey.py", *examples)


def test_the_python_client_drives_the_demo(demo: Demo, python_client: Path) -> None:
    """Sign in, create an invoice with items, list with filters, update with the version read, a
    stale update (409), an invalid invoice (422), submit, RPC, an API key, the async client."""
    journey = [sys.executable, str(HERE / "client_journey.py"), demo.base]
    assert ok(run(journey, python_client, with_path(python_client))).strip() == "journey ok"


def test_the_documented_examples_run_against_the_demo(demo: Demo, python_client: Path) -> None:
    blocks = docs_examples()
    assert len(blocks) == 2
    outputs = []
    for code in blocks:
        assert DOCS_ADDRESS in code
        script = python_client / "docs_example.py"
        script.write_text(code.replace(DOCS_ADDRESS, demo.base))
        result = run([sys.executable, str(script)], python_client, with_path(python_client))
        outputs.append(ok(result))
    lines = outputs[0].splitlines()
    assert re.fullmatch(r"SINV-\d{4}-\d{5} Draft 240\.00", lines[0]), lines
    assert lines[2:] == [
        "2",
        "409 version_conflict",
        "1 Unpaid",
        "422 [(('items',), 'add at least one item')]",
    ]
    assert outputs[1].startswith("['SINV-")


def test_without_url_the_project_gives_the_same_client(
    demo: Demo, python_client: Path, tmp_path: Path
) -> None:
    """Built in-process from the project (no server involved) the document, hence every byte of
    the client, is the one the running application serves."""
    args = ["--lang", "python", "--output", str(tmp_path / "crm_client"), "--json"]
    report = json.loads(ok(m("codegen", "client", *args, cwd=demo.project, env=demo.env)))
    assert report["source"] == "the project, built in-process"
    assert report["package"] == "crm_client"
    assert report["operations"] > 50
    for name in ("__init__.py", "models.py", "client.py", "py.typed"):
        generated = (tmp_path / "crm_client" / name).read_bytes()
        assert generated == (python_client / "crm_client" / name).read_bytes(), name


def test_the_typescript_client_compiles_strict_and_drives_the_demo(
    demo: Demo, tmp_path: Path
) -> None:
    args = ["--lang", "ts", "--url", demo.base, "--output", "web"]
    out = ok(m("codegen", "client", *args, cwd=tmp_path))
    client = tmp_path / "web" / "client.ts"
    assert f"wrote {Path('web') / 'client.ts'}" in out
    shutil.copy(TS / "journey.ts", tmp_path / "web" / "journey.ts")
    # The documented snippet imports the default output, ./api_client.ts.
    shutil.copy(client, tmp_path / "web" / "api_client.ts")
    guide = (ROOT / "docs" / "codegen.md").read_text()
    snippet = guide.split("```ts\n", 1)[1].split("```", 1)[0]
    (tmp_path / "web" / "docs_example.ts").write_text(snippet)
    # One strict compilation checks the client and the code written with it (the journey, which
    # then runs, and the documented snippet).
    sources = [tmp_path / "web" / name for name in ("journey.ts", "docs_example.ts", "client.ts")]
    tsc("--outDir", tmp_path / "js", *sources)
    (tmp_path / "js" / "package.json").write_text('{"type": "module"}\n')
    result = run(["node", str(tmp_path / "js" / "journey.js"), demo.base], tmp_path)
    assert ok(result).strip() == "journey ok"


def test_awkward_documents_give_clean_clients(tmp_path: Path, mypy_cache: Path) -> None:
    """Keywords, names that are not identifiers or clash with ours, self-reference, unions, allOf,
    OpenAPI 3.0 nullable, defaults of every kind, raw bodies, long and quoted descriptions."""
    document = json.loads(EDGE_CASES.read_text())
    generate_client(document, "python", tmp_path / "edge_client")
    generate_client(document, "ts", tmp_path / "edge.ts")
    lint_and_type_check(tmp_path, mypy_cache, "edge_client")
    tsc("--noEmit", tmp_path / "edge.ts")
    # The models behave as the document says at run time too.
    check = (
        "from datetime import date\n"
        "from decimal import Decimal\n"
        "from edge_client import models\n"
        "weird = models.Weird(class_='k', from_date=date(2026, 1, 2), field_2fa=True)\n"
        "sent = weird.model_dump(mode='json', by_alias=True, exclude_unset=True)\n"
        "assert sent == {'class': 'k', 'from-date': '2026-01-02', '2fa': True}, sent\n"
        "assert (weird.tags, weird.amount, weird.priority) == (['a', 'b'], Decimal('1.50'), 2)\n"
        "read = models.Weird.model_validate({'class': 'x', 'from-date': '2026-01-02', 'new': 1})\n"
        "assert read.model_extra == {'new': 1}\n"
        "tree = models.Node.model_validate({'name': 'r', 'children': [{'name': 'c'}]})\n"
        "assert tree.children[0].name == 'c'\n"
        "print('models ok')\n"
    )
    result = run([sys.executable, "-W", "error", "-c", check], tmp_path, with_path(tmp_path))
    assert ok(result).strip() == "models ok"


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--lang", "rust"], 2, 'Invalid value "rust" for --lang'),
        ([], 2, "parameter --lang requires an argument"),
        (["--lang", "python", "--url", "ftp://example.com"], 1, "must be an http(s) address"),
        (
            ["--lang", "python", "--output", "notes.txt"],
            1,
            "is a file; a Python client is a package",
        ),
        (["--lang", "ts", "--output", "notes.txt"], 1, "is a file but not a .ts file"),
        (["--lang", "ts", "--output", "folder.ts"], 1, "is a directory, not a .ts file"),
        (["--lang", "python", "--output", "crm-client"], 1, "must be a Python identifier"),
        (["--lang", "python", "--output", "notes.txt/pkg", "--url", "{base}"], 1, "cannot write"),
        (["--lang", "ts", "--url", "{base}/health"], 1, "/health/schema/openapi.json answered 404"),
    ],
)
def test_bad_input_is_one_error_line_and_an_exit_code(
    demo: Demo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: int,
    message: str,
) -> None:
    """Through ``m``'s own entry point, in this process (each case would otherwise pay for a
    start-up), with nothing left behind."""
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / "folder.ts").mkdir()
    monkeypatch.chdir(tmp_path)
    code = m_main(["codegen", "client", *(a.format(base=demo.base) for a in args)])
    captured = capsys.readouterr()
    assert code == status, captured
    assert captured.err.startswith("error: "), captured.err
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.ts", "notes.txt"]


def test_an_unreachable_url_says_so(tmp_path: Path) -> None:
    """The real command, in a process of its own, against a port nobody listens on."""
    port = free_port()
    result = m(
        "codegen", "client", "--lang", "ts", "--url", f"http://127.0.0.1:{port}", cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"error: cannot read http://127.0.0.1:{port}/schema/openapi.json: connection refused "
        "(is the application running? start it with m start)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_it_did_not_write_is_never_replaced(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "crm_client"
    package.mkdir()
    (package / "models.py").write_text("# my own models\n")
    monkeypatch.chdir(tmp_path)
    args = ["codegen", "client", "--lang", "python", "--url", demo.base, "--output", "crm_client"]
    assert m_main(args) == 1
    refusal = capsys.readouterr().err
    assert "crm_client/models.py already exists and was not written by m codegen client" in refusal
    assert sorted(p.name for p in package.iterdir()) == ["models.py"], "nothing written"
    assert (package / "models.py").read_text() == "# my own models\n"
    # Its own files it replaces: a second run over the first succeeds.
    (package / "models.py").unlink()
    assert (m_main(args), m_main(args)) == (0, 0)
    written = sorted(p.name for p in package.iterdir())
    assert written == ["__init__.py", "client.py", "models.py", "py.typed"]
