"""No import cycle in the package, function-level imports included.

A cycle that only works because one side imports inside a function is still a cycle: the
modules cannot be understood, tested or moved apart. Only ``if TYPE_CHECKING:`` imports are
exempt (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import oracxpred

ROOT = Path(oracxpred.__file__).parent
PACKAGE = "oracxpred"


def _module_names() -> dict[str, Path]:
    names: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imports(tree: ast.AST, module: str, is_package: bool) -> list[tuple[str, str]]:
    """Every ``(imported name, imported member or "")`` outside ``if TYPE_CHECKING:``."""
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            found.extend((base, alias.name) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _parents(name: str) -> list[str]:
    """``a.b.c`` imports ``a`` and ``a.b`` (their ``__init__`` runs) as well."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_graph() -> dict[str, set[str]]:
    modules = _module_names()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for base, member in _imports(tree, name, path.name == "__init__.py"):
            # ``from pkg import sub`` names the submodule; its package's ``__init__`` runs too,
            # as for ``from pkg.sub import x``, and neither is counted: a package that
            # registers its own submodules is not a cycle of design.
            if member and f"{base}.{member}" in modules:
                targets = [f"{base}.{member}"]
            else:
                targets = [base] if base in modules else []
            for target in targets:
                if target != name:
                    graph[name].add(target)
                # Parent packages run first, but the importer's own ones already ran before it:
                # only an explicit import of such a package (above) is an edge back to it.
                graph[name].update(
                    dep
                    for dep in _parents(target)
                    if dep in modules and dep != name and not name.startswith(dep + ".")
                )
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in sorted(graph[node]):
            if dep not in index:
                connect(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(cycles)


def test_the_graph_sees_function_level_and_package_imports() -> None:
    graph = import_graph()
    assert "oracxpred.store.querying" in graph["oracxpred.store.base"]
    assert "oracxpred.store" in graph["oracxpred.collector.once"]  # package of store.base


def test_finds_a_cycle_through_a_function_level_import() -> None:
    code = "def f():\n    import b\n"
    tree = ast.parse(code)
    assert _imports(tree, "a", False) == [("b", "")]
    guarded = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\n")
    assert _imports(guarded, "a", False) == [("typing", "TYPE_CHECKING")]
    assert find_cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_import_cycle() -> None:
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)
