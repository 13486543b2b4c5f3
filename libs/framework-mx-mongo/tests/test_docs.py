"""The code blocks of docs/mongodb.md and docs/adapter-packages.md, executed against the test MongoDB
in a fresh virtual environment where framework-m and framework-mx-mongo are installed from wheels.

Python blocks run as scripts (a block defining the kit's fixture runs as a pytest module); TOML
blocks must be what the package really registers or configuration it accepts; shell blocks run
command by command (``m start`` until ``/ready`` answers); the ``m info`` excerpt must match real
output. Only ``mongod``/``mongosh`` are not run: no MongoDB server binaries exist here, the tests'
server is mongoeco."""

from __future__ import annotations

import os
import re
import shlex
import tomllib
from pathlib import Path

import httpx
import pytest

from framework_m_standard.web.testing import ServerProcess, free_port
from framework_mx_mongo import MongoConfig
from framework_mx_mongo.testing import unique_database, with_database

from .conftest import ROOT, Venv, fresh_venv, run

PAGES = ("mongodb.md", "adapter-packages.md")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
NOT_RUN_HERE = ("mongod", "mongosh")


def blocks(page: str) -> list[tuple[str, str]]:
    return BLOCK.findall((ROOT / "docs" / page).read_text())


@pytest.fixture(scope="module")
def venv(wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    return fresh_venv(
        tmp_path_factory.mktemp("docs") / "venv",
        wheels,
        "framework-m",
        "framework-mx-mongo",
        "framework-m-core[testing]",
    )


def _env(mongo_url: str, database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEWORK_M_")}
    env["FRAMEWORK_M_MONGO_URL"] = with_database(mongo_url, database)
    env["FRAMEWORK_M_TEST_MONGO_URL"] = mongo_url
    return env


def _python(venv: Venv, code: str, env: dict[str, str], folder: Path) -> str:
    if "def framework_m_adapters" in code:  # a conformance-kit test module
        module = folder / "test_doc_kit.py"
        module.write_text(code)
        out = run(
            venv.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", module, cwd=folder, env=env
        )
        assert " passed" in out, out
        return out
    script = folder / "block.py"
    script.write_text(code)
    out = run(venv.python, script, cwd=folder, env=env)
    # ``print(...)  # text``: the page promises that output.
    for promised in re.findall(r"print\(.*\)\s+#\s*(\S+)", code):
        assert promised in out, f"the page says {promised!r} is printed; got {out!r}"
    return out


def _toml(code: str) -> None:
    data = tomllib.loads(code)
    if "project" in data:
        actual = tomllib.loads((ROOT / "libs/framework-mx-mongo/pyproject.toml").read_text())
        documented = data["project"]["entry-points"]
        registered = actual["project"]["entry-points"]
        assert documented == registered, "the page must show exactly what the package registers"
    if "mongo" in data:
        MongoConfig.model_validate(data["mongo"])


def _shell(venv: Venv, code: str, env: dict[str, str], folder: Path) -> list[str]:
    """Run the block's commands; returns those that cannot run here."""
    skipped: list[str] = []
    for line in code.splitlines():
        command = line.split("#", 1)[0].strip()
        if not command:
            continue
        words = shlex.split(command)
        if words[0] in NOT_RUN_HERE:
            skipped.append(words[0])
        elif words[0] == "export":
            name, _, value = words[1].partition("=")
            assert name == "FRAMEWORK_M_MONGO_URL"
            MongoConfig(url=value)  # the documented URL is valid; the test's server is used instead
        elif words[:2] == ["pip", "install"]:
            venv.install(*words[2:])
        elif words == ["m", "info"]:
            out = run(venv.bin / "m", "info", cwd=folder, env=env)
            assert "repository      mongo    framework-mx-mongo" in out, out
        elif words == ["m", "start"]:
            port = free_port()
            command_line = [str(venv.bin / "m"), "start", "--port", str(port)]
            with ServerProcess(command_line, cwd=folder, port=port, env=env, timeout=60) as server:
                assert httpx.get(f"{server.base}/ready", timeout=10).status_code == 200
        else:
            raise AssertionError(f"the docs test does not know how to run {command!r}")
    return skipped


def _text(venv: Venv, code: str, env: dict[str, str], folder: Path) -> None:
    out = run(venv.bin / "m", "info", cwd=folder, env=env)
    actual = {" ".join(line.split()) for line in out.splitlines()}
    for line in code.splitlines():
        if line.strip() and line.strip() != "...":
            assert " ".join(line.split()) in actual, f"{line!r} is not in m info:\n{out}"


@pytest.mark.parametrize("page", PAGES)
def test_every_code_block_of_the_page_runs(
    page: str, venv: Venv, mongo_url: str, tmp_path: Path
) -> None:
    database = unique_database("fm_docs")
    env = _env(mongo_url, database)
    skipped: list[str] = []
    found = blocks(page)
    assert found, f"docs/{page} has no code blocks"
    try:
        for language, code in found:
            if language == "python":
                _python(venv, code, env, tmp_path)
            elif language == "toml":
                _toml(code)
            elif language == "sh":
                skipped += _shell(venv, code, env, tmp_path)
            elif language == "text":
                _text(venv, code, env, tmp_path)
            else:
                raise AssertionError(f"docs/{page}: no runner for a {language!r} block")
    finally:
        run(
            venv.python,
            "-c",
            "import os, sys; from pymongo import MongoClient; "
            "MongoClient(sys.argv[1]).drop_database(sys.argv[2])",
            mongo_url,
            database,
        )
    assert set(skipped) <= set(NOT_RUN_HERE)
