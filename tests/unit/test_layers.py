"""The packages depend on each other as docs/architecture.md draws them: no import cycle, and each
layer imports nothing above it. Every import of every module counts, also one inside a function."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from source_trees import parsed

SRC = Path(__file__).parents[2] / "src"
ROOT = "hirebridge"
PRODUCT = {"config", "domain", "connectors", "store", "runtime", "web", "cli", "demo"}
NEUTRAL = {"errors", "clock", "settings", "logging_setup", "vendored"}

# What each package must not import.
FORBIDDEN: dict[str, set[str]] = {
    "config": PRODUCT - {"config"},
    "domain": {"connectors", "store", "runtime", "web", "cli", "demo"},
    "connectors": {"store", "runtime", "web", "cli", "demo"},
    "store": {"connectors", "runtime", "web", "cli", "demo"},
    "runtime": {"web", "cli", "demo"},
    "web": {"cli", "demo"},
    "cli": set(),
    "demo": {"cli", "web"},
    # The simulators stand alone: what they do comes from the vendors' documentation, not our code.
    "sims": PRODUCT | NEUTRAL - {"vendored"},
    # Imported by every layer, so they import none.
    **{name: PRODUCT | {"sims"} for name in NEUTRAL},
}
for _rules in FORBIDDEN.values():
    _rules.add("sims")  # nothing of the product imports a simulator; the CLI runs one by its name
FORBIDDEN["sims"].discard("sims")

# Front ends (cli/, web/) reach the store only through the runtime: no module may read it itself.
FRONT_ENDS_ON_STORE: set[str] = set()


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    typing_only: bool  # under `if TYPE_CHECKING:`: never runs

    def __str__(self) -> str:
        return f"{self.source} imports {self.target} (line {self.line})"


def module_names() -> dict[str, Path]:
    names = {}
    for path in sorted((SRC / ROOT).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _typing_only_nodes(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return found


def _resolve(name: str, modules: Mapping[str, Path]) -> str | None:
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in modules else None


def _targets(node: ast.AST, module: str, is_package: bool, modules: Mapping[str, Path]) -> Iterable[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
            base = ".".join([*package, base] if base else package)
        for alias in node.names:
            # `from package import module` imports the module; `from module import name`, the module.
            yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base


def imports() -> list[Import]:
    modules = module_names()
    found = []
    for module, path in modules.items():
        tree = parsed(path)
        typing_only = _typing_only_nodes(tree)
        for node in ast.walk(tree):
            for name in _targets(node, module, path.name == "__init__.py", modules):
                target = _resolve(name, modules) if name.startswith(ROOT) else None
                if target is not None and target != module:
                    found.append(Import(module, target, node.lineno, id(node) in typing_only))  # type: ignore[attr-defined]
    return found


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
        graph[b]
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


IMPORTS = imports()


def test_the_graph_sees_imports_inside_functions_and_for_typing() -> None:
    seen = {(i.source, i.target): i for i in IMPORTS}
    # cli/app.py loads the config inside the command's function, so that `--help` stays fast.
    assert ("hirebridge.cli.app", "hirebridge.runtime.configuration") in seen
    assert seen[("hirebridge.runtime.sweep", "hirebridge.runtime.service")].typing_only
    assert cycles([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]) == [["a", "b", "c"]]


def test_no_package_cycle() -> None:
    across = [i for i in IMPORTS if package(i.source) != package(i.target)]
    found = cycles((package(i.source), package(i.target)) for i in across)
    witnesses = [
        str(i) for i in across if any({package(i.source), package(i.target)} <= set(c) for c in found)
    ]
    assert not found, f"package cycles {found}: " + "; ".join(witnesses)


def test_no_module_cycle() -> None:
    """Between modules, an import for type annotations only does not count: it never runs."""
    found = cycles((i.source, i.target) for i in IMPORTS if not i.typing_only)
    witnesses = [str(i) for i in IMPORTS if any({i.source, i.target} <= set(c) for c in found)]
    assert not found, f"module cycles {found}: " + "; ".join(witnesses)


def test_each_layer_imports_nothing_above_it() -> None:
    broken = [str(i) for i in IMPORTS if package(i.target) in FORBIDDEN.get(package(i.source), set())]
    assert not broken, "\n".join(broken)


def test_no_new_front_end_reads_the_store() -> None:
    readers = {
        i.source for i in IMPORTS if package(i.source) in ("web", "cli") and package(i.target) == "store"
    }
    assert readers <= FRONT_ENDS_ON_STORE, (
        f"through the runtime instead: {sorted(readers - FRONT_ENDS_ON_STORE)}"
    )
