"""Every named query in store/queries/ is run by an integration test against the real database.

Read from the source, not from a run: a query belongs to the top-level functions and classes whose code
names it; a function or class reaches the queries of what it calls (by name, in its own module or
through an import of another hirebridge module); an integration test reaches what it imports and
uses. A query no integration test reaches fails here, with the functions that run it."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from source_trees import parsed

from hirebridge.store.sql import QUERIES

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src"
INTEGRATION = ROOT / "tests" / "integration"

Unit = tuple[str, str]  # (module, top-level function or class)

# Queries only a command reads, run end to end instead (the test file, and a string it must contain).
END_TO_END = {
    "list_effect_subjects": ("tests/e2e/test_check_plan.py", '"plan", "--config", str(DEMO_CONFIG), "--all"')
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.Module) -> tuple[dict[str, str], dict[str, Unit]]:
    """Local names bound to hirebridge modules, and local names bound to their top-level units."""
    modules: dict[str, str] = {}
    units: dict[str, Unit] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("hirebridge.") and alias.asname:
                    modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hirebridge"):
            for alias in node.names:
                local = alias.asname or alias.name
                if (SOURCE / Path(*f"{node.module}.{alias.name}".split("."))).with_suffix(".py").exists():
                    modules[local] = f"{node.module}.{alias.name}"
                else:
                    units[local] = (str(node.module), alias.name)
    return modules, units


def used(node: ast.AST, modules: dict[str, str], units: dict[str, Unit]) -> Iterator[Unit]:
    """The units a piece of code names: `module.unit`, an imported unit, or one of its own module."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
            if inner.value.id in modules:
                yield modules[inner.value.id], inner.attr
        elif isinstance(inner, ast.Name):
            if inner.id in units:
                yield units[inner.id]


def named(node: ast.AST) -> Iterator[str]:
    """The queries a piece of code names: "name", or every "prefix_…" of an f"prefix_{…}"."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and inner.value in QUERIES:
            yield inner.value
        elif isinstance(inner, ast.JoinedStr) and inner.values and isinstance(inner.values[0], ast.Constant):
            prefix = str(inner.values[0].value)
            yield from (query for query in QUERIES if prefix and query.startswith(prefix))


@cache
def source_graph() -> tuple[dict[Unit, set[str]], dict[Unit, set[Unit]]]:
    """Which queries each unit names, and which units it uses."""
    names: dict[Unit, set[str]] = {}
    calls: dict[Unit, set[Unit]] = {}
    for path in sorted((SOURCE / "hirebridge").rglob("*.py")):
        module = module_name(path)
        tree = parsed(path)
        modules, units = imported(tree)
        top = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
        own = {n.name: (module, n.name) for n in top}
        for node in top:
            unit = (module, node.name)
            names[unit] = set(named(node))
            calls[unit] = set(used(node, modules, {**units, **own}))
            calls[unit].discard(unit)
        # A module that hands on another's functions (a runtime facade over the store) reaches theirs.
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hirebridge"):
                for alias in node.names:
                    names.setdefault((module, alias.asname or alias.name), set())
                    calls.setdefault((module, alias.asname or alias.name), set()).add(
                        (str(node.module), alias.name)
                    )
    return names, calls


def reached(start: Iterable[Unit]) -> set[str]:
    names, calls = source_graph()
    seen: set[Unit] = set()
    todo = [u for u in start if u in names]
    while todo:
        unit = todo.pop()
        if unit in seen:
            continue
        seen.add(unit)
        todo.extend(u for u in calls[unit] if u in names and u not in seen)
    return {query for unit in seen for query in names[unit]}


def units_tests_use() -> set[Unit]:
    found: set[Unit] = set()
    for path in sorted(INTEGRATION.rglob("*.py")):
        tree = parsed(path)
        modules, units = imported(tree)
        found |= set(used(tree, modules, units))
    return found


def owners(query: str) -> list[str]:
    names, _ = source_graph()
    return sorted(f"{module}.{unit}" for (module, unit), queries in names.items() if query in queries)


def test_every_named_query_is_run_by_an_integration_test() -> None:
    untested = sorted(set(QUERIES) - reached(units_tests_use()) - set(END_TO_END))
    assert untested == [], "\n".join(f"{query}: {', '.join(owners(query)) or 'unused'}" for query in untested)


def test_the_map_follows_calls_into_other_modules() -> None:
    """The check above is not vacuous: a unit reaches the queries of the units it calls."""
    names, _ = source_graph()
    assert names[("hirebridge.store.ledger", "record_intents")] == {"record_intent"}
    assert {"export_subject", "export_audit"} <= names[("hirebridge.store.lifecycle", "export")]
    assert "record_intent" in reached([("hirebridge.runtime.reconcile", "Reconciler")])
    assert not reached([("hirebridge.domain.plan", "plan")]) & {"record_intent"}


def test_queries_run_end_to_end_instead_still_are() -> None:
    for query, (path, call) in END_TO_END.items():
        assert query in QUERIES and owners(query), query
        assert call in (ROOT / path).read_text(), f"{path} no longer runs {query}"
