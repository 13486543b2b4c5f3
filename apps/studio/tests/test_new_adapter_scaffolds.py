"""``m new adapter``, scaffolds as a package would ship them: every kind installs from a wheel into a
fresh virtual environment, passes the conformance kit there (the kit's own tests, counted by name),
is ruff- and mypy-clean (with the longest name too), and ``m info`` in that environment selects it.

All four scaffolds share one environment, as they would in an application that installs them side by
side; their wheels join the framework's in the module's ``wheels`` directory (conftest.py).
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from framework_m_studio.scaffold import family_of, plan_adapter, write_scaffold

from .conftest import clean_env, run, uv

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


@pytest.mark.parametrize("port", list(SCAFFOLDS))
def test_the_longest_name_still_gives_formatted_lint_clean_code(port: str, tmp_path: Path) -> None:
    name = f"{port.replace('_', '-')}-".ljust(32, "x")
    write_scaffold(plan_adapter(port, name, tmp_path / name))
    run(BIN / "ruff", "format", "--check", "--no-cache", ".", cwd=tmp_path / name)
    run(BIN / "ruff", "check", "--no-cache", ".", cwd=tmp_path / name)
