"""The ``m`` console script, run as a user runs it: the installed script in a fresh process."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from framework_m_core.composition import PORTS

M = Path(sys.executable).parent / "m"

OneLineError = Callable[[subprocess.CompletedProcess[str], int], str]
"""The ``one_line_error`` fixture (conftest.py)."""


def run_m(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``m`` in ``cwd`` with no FRAMEWORK_M_* variables leaking in from the test's environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
    return subprocess.run(
        [str(M), *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version_names_standard_and_core(tmp_path: Path) -> None:
    result = run_m("--version", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    standard = importlib.metadata.version("framework-m-standard")
    core = importlib.metadata.version("framework-m-core")
    assert result.stdout.startswith(f"framework-m-standard {standard} (")
    assert f"framework-m-core {core}" in result.stdout


def test_info_lists_every_port_with_its_adapter_and_reason(tmp_path: Path) -> None:
    result = run_m("info", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "no framework_config.toml (defaults)" in result.stdout
    for port in PORTS:
        assert f"\n  {port} " in result.stdout


def test_info_json_reports_choices_and_configuration(tmp_path: Path) -> None:
    config = tmp_path / "framework_config.toml"
    config.write_text('[adapters]\nclock = "memory"\n')

    result = run_m("info", "--json", cwd=tmp_path, env={"FRAMEWORK_M_ADAPTERS__CACHE": "memory"})

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["config_file"] == str(config)
    assert "framework-m-standard" in report["versions"]
    assert isinstance(report["apps"], list)
    choices = {c["port"]: c for c in report["adapters"]}
    assert set(choices) == set(PORTS)
    assert choices["clock"]["name"] == "memory"
    assert choices["clock"]["reason"] == f"configured in {config}"
    assert (
        choices["cache"]["reason"]
        == "configured in environment variable FRAMEWORK_M_ADAPTERS__CACHE"
    )
    assert all(c["reason"] for c in report["adapters"])


@pytest.mark.parametrize("args", [("info", "--bogus"), ("no-such-command",), ("info", "extra")])
def test_bad_arguments_exit_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], one_line_error: OneLineError
) -> None:
    one_line_error(run_m(*args, cwd=tmp_path), 2)


def test_bad_configuration_file_exits_1_naming_the_file(
    tmp_path: Path, one_line_error: OneLineError
) -> None:
    (tmp_path / "framework_config.toml").write_text("apps = [\n")

    line = one_line_error(run_m("info", cwd=tmp_path), 1)

    assert f"{tmp_path / 'framework_config.toml'}: invalid TOML" in line


def test_bad_configuration_from_environment_exits_1_naming_the_variable(
    tmp_path: Path, one_line_error: OneLineError
) -> None:
    result = run_m("info", cwd=tmp_path, env={"FRAMEWORK_M_ADAPTERS__REPOSITORY": "nosuch"})

    line = one_line_error(result, 1)
    assert "FRAMEWORK_M_ADAPTERS__REPOSITORY" in line
    assert "'nosuch', which is not installed" in line


PLUGIN = '''
from framework_m_core.errors import ConfigurationError


def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


def refuse() -> None:
    """Fail the way a misconfigured command does."""
    raise ConfigurationError("the refuse command is not configured")
'''


@pytest.fixture
def plugins(tmp_path: Path) -> dict[str, str]:
    """An installed distribution contributing one working, one failing and one broken command."""
    site = tmp_path / "site"
    info = site / "acme_commands-0.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-commands\nVersion: 0.3\n")
    (info / "entry_points.txt").write_text(
        textwrap.dedent(
            """
            [framework_m.cli_commands]
            hello = acme_commands:hello
            refuse = acme_commands:refuse
            broken = acme_missing_module:command
            """
        )
    )
    (site / "acme_commands.py").write_text(PLUGIN)
    return {"PYTHONPATH": str(site)}


def test_plugin_commands_run_and_a_broken_one_is_reported_not_fatal(
    tmp_path: Path, plugins: dict[str, str]
) -> None:
    result = run_m("hello", "--name", "M", cwd=tmp_path, env=plugins)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello M\n"
    assert "warning: command 'broken' from acme-commands 0.3 is unavailable" in result.stderr
    assert "ModuleNotFoundError" in result.stderr
    assert "Traceback" not in result.stderr


def test_framework_error_in_a_plugin_command_exits_1_without_traceback(
    tmp_path: Path, plugins: dict[str, str]
) -> None:
    result = run_m("refuse", cwd=tmp_path, env=plugins)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "error: the refuse command is not configured"


def test_info_shows_the_database_without_its_password(tmp_path: Path) -> None:
    url = "postgresql://app:s3cret@db.internal:5432/app"
    result = run_m("info", "--json", cwd=tmp_path, env={"FRAMEWORK_M_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    details = json.loads(result.stdout)["adapter_details"]["repository"]
    assert details == {"database default": "postgresql+asyncpg://app:***@db.internal:5432/app"}
    text = run_m("info", cwd=tmp_path, env={"FRAMEWORK_M_DATABASE_URL": url}).stdout
    assert "s3cret" not in text
