"""``m new adapter`` in process: bad input is refused with one line on stderr, exit 1 (2 for arguments
cyclopts rejects) and nothing written; a taken directory is left as it was, an empty one is filled;
names derive from the package name, and every persistence port scaffolds the whole family.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from framework_m_core.composition import PORTS
from framework_m_standard.cli.app import main
from framework_m_studio.scaffold import FAMILIES, package_names, plan_adapter

from .conftest import tree as _tree


def _m(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


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
