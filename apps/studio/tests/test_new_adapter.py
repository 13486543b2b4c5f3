"""``m new adapter``: every kind of scaffold installs from a wheel into a fresh virtual environment,
passes the conformance kit there (the kit's own tests, counted by name), is ruff- and mypy-clean,
and ``m info`` in that environment selects it; bad input is refused with one line and no files.

Wheels of framework-m-core and framework-m-standard are built once for the module, and all four
scaffolds share one environment, as they would in an application that installs them side by side.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shlex
import shutil
import sys
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from framework_m_core.composition import PORTS
from framework_m_standard.cli.app import main
from framework_m_studio.scaffold import (
    FAMILIES,
    family_of,
    package_names,
    plan_adapter,
    write_scaffold,
)

from .conftest import ROOT, clean_env, run, uv

BIN = Path(sys.executable).parent
KIT = "framework_m_core.testing.suite"
SCAFFOLDS = {
    "cache": "acme-cache",
    "repository": "acme-store",
    "event_bus": "acme-bus",
    "naming_counter": "acme-counter",
}


@dataclass(frozen=True)
class Environment:
    """A virtual environment with the four scaffolds installed from their wheels."""

    path: Path
    packages: dict[str, Path]

    @property
    def bin(self) -> Path:
        return self.path / "bin"


@pytest.fixture(scope="module")
def wheels(framework_wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The framework's wheels, in a directory of this module's own (scaffold wheels join them)."""
    out = tmp_path_factory.mktemp("wheels")
    for wheel in framework_wheels.glob("*.whl"):
        shutil.copy(wheel, out)
    return out


@pytest.fixture(scope="module")
def installed(wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> Environment:
    """Scaffold each kind with the real ``m``, build its wheel, install all into one environment."""
    work = tmp_path_factory.mktemp("scaffolds")
    packages: dict[str, Path] = {}
    for port, name in SCAFFOLDS.items():
        run(BIN / "m", "new", "adapter", port, name, cwd=work)
        packages[port] = work / name
        run(uv(), "build", "-q", "--wheel", "--out-dir", wheels, work / name)
    venv = work / "venv"
    run(uv(), "venv", "-q", "-p", "3.11", venv)
    run(
        *(uv(), "pip", "install", "-q", "--compile-bytecode", "-p", venv / "bin" / "python"),
        *("--find-links", wheels),
        *("framework-m-standard", "framework-m-core[testing]", *SCAFFOLDS.values()),
    )
    return Environment(venv, packages)


def kit_tests(modules: tuple[str, ...]) -> set[str]:
    """Names of the kit's tests in ``modules`` (every module of the suite when empty)."""
    if not modules:
        suite = vars(importlib.import_module(KIT))
        return {name for name, obj in suite.items() if inspect.isfunction(obj)}
    return {
        name for module in modules for name in importlib.import_module(f"{KIT}.{module}").__all__
    }


def outcomes(report: Path) -> dict[str, str]:
    """Test name (parameters dropped) → passed, skipped or failed, from pytest's JUnit XML."""
    found: dict[str, str] = {}
    for case in ET.parse(report).iter("testcase"):
        name = case.get("name", "").split("[")[0]
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "passed"
        if "skipped" in kinds:
            outcome = "skipped"
        if found.get(name) != "failed":
            found[name] = outcome
    return found


@pytest.mark.parametrize("port", list(SCAFFOLDS))
def test_the_scaffold_passes_the_conformance_kit(
    installed: Environment, port: str, tmp_path: Path
) -> None:
    family = family_of(port)
    package = installed.packages[port]
    report = tmp_path / "report.xml"
    run(
        *(installed.bin / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"),
        f"--junitxml={report}",
        cwd=package,
        env=clean_env(),
    )
    result = outcomes(report)
    expected = kit_tests(family.kit_modules)
    # The persistence family runs the whole kit; the modules of ports it leaves alone are skips.
    skipped = set() if family.kit_modules else kit_tests(("test_cache", "test_event_bus"))
    assert expected > skipped
    assert {name for name, outcome in result.items() if outcome == "skipped"} == skipped
    assert {name for name, outcome in result.items() if outcome == "passed"} == (
        expected - skipped
    ) | {"test_configured_adapters_come_from_this_package"}


@pytest.mark.parametrize("port", list(SCAFFOLDS))
def test_the_scaffold_is_ruff_and_mypy_clean(
    installed: Environment, port: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    package = installed.packages[port]
    run(BIN / "ruff", "check", "--no-cache", ".", cwd=package)
    run(BIN / "ruff", "format", "--check", "--no-cache", ".", cwd=package)
    cache = tmp_path_factory.getbasetemp() / "mypy-cache"  # one per session: the venv is shared
    out = run(
        *(BIN / "mypy", "--python-executable", installed.bin / "python"),
        *("--cache-dir", cache),
        cwd=package,
    )
    assert "Success: no issues found" in out.stdout


def test_m_info_selects_each_scaffold_and_says_why(installed: Environment, tmp_path: Path) -> None:
    m, env = installed.bin / "m", clean_env()
    # acme-store and acme-counter both fill naming_counter: start-up refuses to guess.
    clash = run(m, "info", cwd=tmp_path, env=env, code=1)
    assert clash.stderr.count("\n") == 1
    assert "naming_counter" in clash.stderr
    assert "'acme-counter'" in clash.stderr
    assert "'acme-store'" in clash.stderr
    config = tmp_path / "framework_config.toml"
    config.write_text(
        '[adapters]\nnaming_counter = "acme-counter"\n\n[acme_cache]\nmax_entries = 500\n'
    )
    report = json.loads(run(m, "info", "--json", cwd=tmp_path, env=env).stdout)
    chosen = {c["port"]: (c["name"], c["distribution"], c["reason"]) for c in report["adapters"]}
    for port in ("repository", "unit_of_work", "schema_manager", "outbox"):
        assert chosen[port] == (
            "acme-store",
            "acme-store",
            "only non-default adapter installed (acme-store 0.1.0)",
        )
    assert chosen["naming_counter"] == ("acme-counter", "acme-counter", f"configured in {config}")
    assert chosen["cache"][:2] == ("acme-cache", "acme-cache")
    assert chosen["event_bus"][:2] == ("acme-bus", "acme-bus")
    assert report["adapter_details"]["cache"] == {"entries": "in-process, at most 500"}
    assert "in-process" in report["adapter_details"]["repository"]["storage"]
    # Blocking a distribution takes it out of the running without uninstalling it.
    config.write_text('blocked_adapters = ["acme-counter"]\n')
    report = json.loads(run(m, "info", "--json", cwd=tmp_path, env=env).stdout)
    after = {c["port"]: (c["name"], c["reason"]) for c in report["adapters"]}
    assert after["naming_counter"] == (
        "acme-store",
        "only non-default adapter installed (acme-store 0.1.0; 1 blocked)",
    )


# Bad input: one line on stderr, exit 1 (2 for arguments cyclopts rejects), nothing written.


def _m(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def _tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("queue", "acme-q"), "error: unknown port 'queue'; the ports are: " + ", ".join(PORTS)),
        (("job_queue", "acme-q"), "the conformance kit has no tests for the job_queue port"),
        (("clock", "acme-q"), "m new adapter scaffolds: repository, unit_of_work, schema_manager"),
        (("cache", "acme cache"), "'acme cache' is not a valid package name"),
        (("cache", "acme-"), "'acme-' is not a valid package name"),
        (("cache", "1cache"), "must start with a letter"),
        (("cache", "class"), "is a Python keyword"),
        (("cache", "json"), "would shadow the standard library module 'json'"),
        (("cache", "framework-m-core"), "a module named 'framework_m_core' is already importable"),
        (("cache", "default"), "would register its adapter as 'default'"),
        (("cache", "framework-mx-memory"), "would register its adapter as 'memory'"),
        (("cache", "a" * 33), "is longer than 32 characters"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    argv: tuple[str, ...],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = _m(capsys, "new", "adapter", *argv)
    assert code == 1
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err
    assert _tree(tmp_path) == []


def test_a_taken_directory_is_refused_and_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    code, err = _m(capsys, "new", "adapter", "cache", "acme-cache", "--directory", str(taken))
    assert (code, err) == (
        1,
        f"error: directory {taken} is not empty; choose another one with --directory\n",
    )
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    code, err = _m(capsys, "new", "adapter", "cache", "acme-cache", "--directory", str(a_file))
    assert (code, err) == (1, f"error: {a_file} exists and is not a directory\n")
    code, err = _m(capsys, "new", "adapter", "cache", "acme-cache", "--directory", f"{a_file}/x")
    assert code == 1
    assert err.startswith(f"error: cannot write {a_file}/x: ")
    assert _tree(tmp_path) == ["file.txt", "taken", "taken/notes.txt"]
    assert (taken / "notes.txt").read_text() == "mine"


def test_missing_arguments_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _m(capsys, "new", "adapter", "cache")
    assert code == 2
    assert err.startswith("error: ")


def test_an_empty_directory_is_filled_and_the_default_is_the_package_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["new", "adapter", "cache", "acme-cache", "--directory", str(empty)]) == 0
    assert (empty / "src" / "acme_cache" / "cache.py").is_file()
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    assert main(["new", "adapter", "outbox", "Acme_Store"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "created acme-store: adapter 'acme-store' for repository, unit_of_work, schema_manager, "
        "naming_counter, outbox (import acme_store)",
        "next: cd acme-store && uv sync && uv run pytest",
    ]
    assert sorted(p.name for p in (tmp_path / "acme-store" / "src" / "acme_store").iterdir()) == [
        "__init__.py",
        "adapters.py",
        "naming_counter.py",
        "outbox.py",
        "py.typed",
        "repository.py",
        "schema_manager.py",
        "store.py",
        "testing.py",
        "unit_of_work.py",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_names_derive_from_the_package_name() -> None:
    redis = package_names("Framework_MX.Redis")
    assert (redis.distribution, redis.package, redis.adapter, redis.prefix) == (
        "framework-mx-redis",
        "framework_mx_redis",
        "redis",
        "Redis",
    )
    acme = package_names("acme-cache")
    assert (acme.adapter, acme.prefix, acme.section) == ("acme-cache", "AcmeCache", "acme_cache")
    assert package_names("framework-mx-2x").adapter == "framework-mx-2x"


def test_every_persistence_port_scaffolds_the_whole_family(tmp_path: Path) -> None:
    planned = {
        port: plan_adapter(port, "acme-db", tmp_path / port).family
        for port in ("repository", "unit_of_work", "schema_manager", "outbox")
    }
    assert set(planned.values()) == {FAMILIES["persistence"]}
    assert plan_adapter("naming_counter", "acme-db", tmp_path).family.ports == ("naming_counter",)
    assert _tree(tmp_path) == []


@pytest.mark.parametrize("port", list(SCAFFOLDS))
def test_the_longest_name_still_gives_formatted_lint_clean_code(port: str, tmp_path: Path) -> None:
    name = f"{port.replace('_', '-')}-".ljust(32, "x")
    write_scaffold(plan_adapter(port, name, tmp_path / name))
    run(BIN / "ruff", "format", "--check", "--no-cache", ".", cwd=tmp_path / name)
    run(BIN / "ruff", "check", "--no-cache", ".", cwd=tmp_path / name)


# docs/publishing-adapters.md, block by block, in a fresh environment with Studio from wheels.

DOC = ROOT / "docs" / "publishing-adapters.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


@dataclass
class Reader:
    """Runs the page's commands as a reader would: a developer in ``work`` (``cd`` moves them), and
    an application in ``app`` where ``m info`` runs. ``uv publish`` runs with ``--dry-run``: a test
    uploads nothing. Framework M is not on PyPI yet, so uv finds it among the wheels."""

    venv: Path
    wheels: Path
    work: Path
    app: Path
    cwd: Path
    scaffolded: list[str] | None = None
    info: str = ""

    def env(self, **extra: str) -> dict[str, str]:
        env = clean_env() | {"UV_FIND_LINKS": str(self.wheels), "UV_COMPILE_BYTECODE": "1"}
        env.pop("VIRTUAL_ENV", None)
        return env | extra

    def shell(self, line: str) -> None:
        words = shlex.split(line)
        extra = {}
        while words and ASSIGNMENT.match(words[0]):
            name, _, value = words.pop(0).partition("=")
            extra[name] = value
        env = self.env(**extra)
        if words[:2] == ["pip", "install"]:
            dists = [str(p) for p in self.work.glob("*/dist")]
            links = [arg for d in [str(self.wheels), *dists] for arg in ("--find-links", d)]
            python = self.venv / "bin" / "python"
            run(uv(), "pip", "install", "-q", "-p", python, *links, *words[2:], env=env)
        elif words[0] == "cd":
            self.cwd = self.cwd / words[1]
        elif words[:2] == ["m", "info"]:
            self.info = run(self.venv / "bin" / "m", *words[1:], cwd=self.app, env=env).stdout
        elif words[:3] == ["m", "new", "adapter"]:
            run(self.venv / "bin" / "m", *words[1:], cwd=self.cwd, env=env)
            self.scaffolded = _tree(self.cwd / words[4])
        elif words[:2] == ["uv", "publish"]:
            out = run(uv(), *words[1:], "--dry-run", cwd=self.cwd, env=env)
            assert "Checking acme_cache-0.1.0-py3-none-any.whl" in out.stdout + out.stderr
        elif words[0] == "uv":
            out = run(uv(), *words[1:], cwd=self.cwd, env=env)
            if words[1:] == ["run", "pytest"]:
                assert re.search(r"\b5 passed in ", out.stdout), out.stdout
        else:
            raise AssertionError(f"the docs test does not know how to run {line!r}")

    def toml(self, code: str) -> None:
        data = tomllib.loads(code)
        if "project" in data:
            generated = tomllib.loads((self.work / "acme-cache" / "pyproject.toml").read_text())
            for key, value in data["project"].items():
                if key == "entry-points":
                    for group, entries in value.items():
                        assert generated["project"][key][group] == entries
                else:
                    assert generated["project"][key] == value
            return
        config = self.app / "framework_config.toml"
        config.write_text(code)
        m = self.venv / "bin" / "m"
        report = json.loads(run(m, "info", "--json", cwd=self.app, env=self.env()).stdout)
        config.unlink()
        cache = next(c for c in report["adapters"] if c["port"] == "cache")
        if "adapters" in data:
            assert (cache["name"], cache["reason"]) == ("acme-cache", f"configured in {config}")
        elif "blocked_adapters" in data:
            assert cache["name"] != "acme-cache"
        else:
            assert report["adapter_details"]["cache"] == {"entries": "in-process, at most 50000"}

    def text(self, code: str) -> None:
        if "pyproject.toml" in code:
            listed = {line.strip().removeprefix("acme-cache/") for line in code.splitlines()}
            files = {p for p in self.scaffolded or [] if (self.work / "acme-cache" / p).is_file()}
            assert listed - {""} == files
            return
        shown = {" ".join(line.split()) for line in self.info.splitlines()}
        for line in code.splitlines():
            assert " ".join(line.split()) in shown, f"{line!r} is not in m info:\n{self.info}"


def test_every_block_of_the_publishing_guide_runs(wheels: Path, tmp_path: Path) -> None:
    for package in ("framework-m", "framework-m-studio"):
        run(uv(), "build", "-q", "--wheel", "--package", package, "--out-dir", wheels)
    venv = tmp_path / "venv"
    run(uv(), "venv", "-q", "-p", "3.11", venv)
    (tmp_path / "work").mkdir()
    (tmp_path / "app").mkdir()
    reader = Reader(venv, wheels, tmp_path / "work", tmp_path / "app", tmp_path / "work")
    found = BLOCK.findall(DOC.read_text())
    assert [language for language, _ in found].count("sh") >= 4
    for language, code in found:
        if language == "sh":
            for line in code.splitlines():
                for command in line.split("#", 1)[0].split("&&"):
                    if command.strip():
                        reader.shell(command.strip())
        elif language == "toml":
            reader.toml(code)
        elif language == "text":
            reader.text(code)
        else:
            raise AssertionError(f"{DOC.name}: no runner for a {language!r} block")
    assert reader.scaffolded is not None
    assert "acme-cache 0.1.0" in reader.info
