"""Reading the package's import graph from its source (imports inside functions included), for the layout tests."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from tracker import config

TRACKER_DIR = config.PROJECT_DIR / "tracker"
MAX_MODULE_LINES = 400


def module_name(path: Path, root: Path = TRACKER_DIR) -> str:
    """'tracker.ingest.load' for tracker/ingest/load.py, 'tracker.ingest' for tracker/ingest/__init__.py."""
    parts = ["tracker", *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_files(root: Path = TRACKER_DIR) -> dict[str, Path]:
    """Every module of the package under `root`, by dotted name."""
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def imported_modules(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The known modules a module imports anywhere in its code (top level, functions, TYPE_CHECKING blocks).

    `from a.b import c` counts as importing a.b.c when that is a module, else a.b; relative imports are resolved.
    """
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {module for module in found if module in known}


def import_graph(root: Path = TRACKER_DIR) -> dict[str, set[str]]:
    """Which tracker modules each tracker module imports."""
    files = module_files(root)
    return {name: imported_modules(name, path, files) for name, path in files.items()}


def reachable(graph: dict[str, set[str]], starts: Iterable[str]) -> set[str]:
    """The modules imported, directly or not, by any of `starts` (the starts included)."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += graph.get(module, ())
    return seen


def import_cycles(graph: dict[str, set[str]], modules: Iterable[str] | None = None) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan's strongly connected parts)."""
    nodes = set(graph) if modules is None else set(modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph.get(module, ()):
            if target not in nodes:
                continue
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph.get(module, ()):
                cycles.append(sorted(group))

    for module in sorted(nodes):
        if module not in index:
            visit(module)
    return cycles
