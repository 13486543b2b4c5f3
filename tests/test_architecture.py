"""The shape of the packages, checked: no import cycles, and modules of a readable size.

A cycle between two modules means neither can be understood (or imported) without the other; a lazy
import inside a function hides the cycle from the interpreter but not from the reader, so imports
anywhere in a module count. Imports only made for type checking (``if TYPE_CHECKING:``) do not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = {
    "framework_m_core": ROOT / "libs/framework-m-core/src/framework_m_core",
    "framework_m_standard": ROOT / "libs/framework-m-standard/src/framework_m_standard",
    "framework_m": ROOT / "libs/framework-m/src/framework_m",
    "framework_mx_mongo": ROOT / "libs/framework-mx-mongo/src/framework_mx_mongo",
    "framework_m_studio": ROOT / "apps/studio/src/framework_m_studio",
    "crm": ROOT / "apps/crm/src/crm",
}
MAX_LINES = 400
LONGER_MODULES: dict[str, str] = {}
"""Modules allowed past ``MAX_LINES``, each with the reason it is still one concept."""


def _modules(package: str, folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = list(path.relative_to(folder).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([package, *parts])] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for inner in node.orelse:
                yield from _imports(ast.Module(body=[inner], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_graph(package: str, folder: Path) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports."""
    modules = _modules(package, folder)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                target = _resolve(name, is_package, node)
                # ``from package import module`` imports the module; ``from module import name``
                # the module that holds the name.
                targets = [
                    f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target
                    for alias in node.names
                ]
            for target in targets:
                while target and target not in modules:  # ``import a.b.c`` of a name in a.b
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_cycles(package: str) -> None:
    graph = import_graph(package, PACKAGES[package])
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import thing\n")
    (pkg / "b.py").write_text("def thing():\n    from . import a\n")
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import x\n"
    )
    assert cycles(import_graph("pkg", pkg)) == [["pkg.a", "pkg.b"]]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_modules_stay_readable(package: str) -> None:
    folder = PACKAGES[package]
    long = {
        str(path.relative_to(ROOT)): n
        for path in folder.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    unexplained = {path: n for path, n in long.items() if path not in LONGER_MODULES}
    assert unexplained == {}, f"split these along their concepts, or say why not: {unexplained}"


def test_the_command_line_knows_no_adapter() -> None:
    """``m``'s own commands reach storage through ports; the SQL package brings ``m migrate`` and
    its ``m doctor`` checks itself (entry points and ``SelfDiagnosing``)."""
    graph = import_graph("framework_m_standard", PACKAGES["framework_m_standard"])
    reaching = {
        module: sorted(t for t in targets if t.startswith("framework_m_standard.sql"))
        for module, targets in graph.items()
        if module.startswith("framework_m_standard.cli")
    }
    assert {m: t for m, t in reaching.items() if t} == {}
