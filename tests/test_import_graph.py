"""No module of the package imports a module that imports it back, directly or through others.

The graph is read from the source with ``ast``: every ``import`` anywhere in a module counts,
including imports inside functions (they run too, only later); imports under
``if TYPE_CHECKING:`` do not, since they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import bpx_async

PACKAGE_DIR = Path(bpx_async.__file__).resolve().parent


def module_files(root: Path) -> dict[str, Path]:
    """``dotted.name -> file`` for every module of the package rooted at ``root``."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif _is_type_checking_block(child):
            assert isinstance(child, ast.If)
            for other in child.orelse:  # only the ``else:`` branch runs
                yield from _import_nodes(ast.Module(body=[other], type_ignores=[]))
        else:
            yield from _import_nodes(child)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Which modules of the package each module imports."""
    modules = module_files(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _import_nodes(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base_parts = package.split(".")
                    base = ".".join(base_parts[: len(base_parts) - node.level + 1])
                    source = f"{base}.{node.module}" if node.module else base
                else:
                    source = node.module or ""
                # ``from pkg import sub`` imports the submodule ``pkg.sub`` when there is one.
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                    for alias in node.names
                ]
            graph[name].update(target for target in targets if target in modules)
        graph[name].discard(name)
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
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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


def test_no_module_of_the_package_is_part_of_an_import_cycle() -> None:
    graph = import_graph(PACKAGE_DIR)

    assert len(graph) > 40  # the whole package was read
    assert "bpx_async.tables" in graph["bpx_async.cli"]
    assert cycles(graph) == []


def test_the_table_renderer_depends_on_neither_the_cli_nor_the_demo() -> None:
    graph = import_graph(PACKAGE_DIR)

    assert graph["bpx_async.tables"] <= {"bpx_async.models.markets"}
    assert "bpx_async.cli" not in graph["bpx_async.demo"]


def write(root: Path, relative: str, source: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def test_the_checker_finds_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    write(root, "__init__.py", "")
    write(root, "cli.py", "def run():\n    from .demo import go\n")
    write(root, "demo.py", "from pkg.cli import run\n")
    write(root, "sub/__init__.py", "from .leaf import x\n")
    write(root, "sub/leaf.py", "from .. import cli\nx = 1\n")

    graph = import_graph(root)

    assert graph["pkg.sub.leaf"] == {"pkg.cli"}
    assert cycles(graph) == [["pkg.cli", "pkg.demo"]]


def test_the_checker_ignores_imports_that_only_run_under_type_checking(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    write(root, "__init__.py", "")
    write(root, "client.py", "from . import resource\n")
    write(
        root,
        "resource.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .client import Client\n",
    )

    graph = import_graph(root)

    assert graph == {"pkg": set(), "pkg.client": {"pkg.resource"}, "pkg.resource": set()}
    assert cycles(graph) == []
