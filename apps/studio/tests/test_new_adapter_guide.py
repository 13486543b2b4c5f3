"""docs/publishing-adapters.md, block by block, in a fresh environment with Studio from wheels: its
shell commands run (``uv publish`` as a dry run), its TOML is checked against the scaffold and
``m info``, and its listings against the files written and ``m info``'s output.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT, clean_env, run, uv
from .conftest import tree as _tree

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
