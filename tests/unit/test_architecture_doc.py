"""docs/architecture.md names every module once, in its package's bullet, and no file that is gone.

In the "Modules" section each top-level bullet is one package: it starts with the package in
backticks (`` `web/console/` ``), or names none for the top level. A bare `name.py` in a bullet is that
package's module; a path with a slash (`store/packets.py`) is read from src/hirebridge/. A file name two
packages share is always written with its package (outside the top level), so a reader never has to
guess which one is meant. The simulators (sims/) and `__init__.py` files are not listed module by
module.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).parents[2]
SRC = ROOT / "src" / "hirebridge"
DOC = ROOT / "docs" / "architecture.md"

NAMED = re.compile(r"`([\w./-]+\.py)`")
PACKAGE = re.compile(r"^- `([\w/]+/)`")


def modules(src: Path = SRC) -> set[str]:
    """Every module the doc must name, as its path under src/hirebridge/."""
    return {
        path.relative_to(src).as_posix()
        for path in src.rglob("*.py")
        if path.name != "__init__.py" and path.relative_to(src).parts[0] != "sims"
    }


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/architecture.md has no '## {title}' section"
    return match.group(1)


def bullets(text: str) -> list[str]:
    """Top-level bullets, each with its continuation lines and nested bullets."""
    found: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            found.append(line)
        elif found and line.startswith(" "):
            found[-1] += "\n" + line
    return found


def named_modules(text: str) -> tuple[Counter[str], list[str]]:
    """How often the Modules section names each module path, resolved against its bullet's package;
    and the bare names, as `package/name.py`, of package modules."""
    named: Counter[str] = Counter()
    bare = []
    for bullet in bullets(section(text, "Modules")):
        package = PACKAGE.match(bullet)
        prefix = package.group(1) if package else ""
        for name in NAMED.findall(bullet):
            named[name if "/" in name else prefix + name] += 1
            if "/" not in name and prefix:
                bare.append(prefix + name)
    return named, bare


def problems(text: str, src: Path = SRC) -> list[str]:
    expected = modules(src)
    named, bare = named_modules(text)
    found = []
    missing = sorted(expected - set(named))
    if missing:
        found.append("not named in Modules: " + ", ".join(missing))
    twice = sorted(name for name, count in named.items() if count > 1)
    if twice:
        found.append("named more than once in Modules: " + ", ".join(twice))
    gone = sorted(name for name in named if not (src / name).is_file())
    if gone:
        found.append("named in Modules but no such module: " + ", ".join(gone))
    shared = Counter(Path(name).name for name in expected)
    unqualified = sorted(name for name in bare if shared[Path(name).name] > 1)
    if unqualified:
        found.append(
            "file names several packages share, to write with the package: " + ", ".join(unqualified)
        )
    return found


def dangling_paths(text: str, src: Path = SRC, root: Path = ROOT) -> list[str]:
    """`*.py` paths anywhere in the doc that exist neither under src/hirebridge/ nor in the repository
    (a bare name must be some module's file name)."""
    file_names = {path.name for path in src.rglob("*.py")}
    return sorted(
        {
            name
            for name in NAMED.findall(text)
            if not (
                ((src / name).is_file() or (root / name).is_file()) if "/" in name else name in file_names
            )
        }
    )


def test_every_module_is_named_once_in_its_package() -> None:
    found = problems(DOC.read_text(encoding="utf-8"))
    assert not found, "docs/architecture.md, section Modules:\n" + "\n".join(found)


def test_every_python_path_the_doc_names_exists() -> None:
    gone = dangling_paths(DOC.read_text(encoding="utf-8"))
    assert not gone, "docs/architecture.md names files that do not exist: " + ", ".join(gone)


def test_the_queries_and_migrations_are_named() -> None:
    modules_text = section(DOC.read_text(encoding="utf-8"), "Modules")
    assert "queries/*.sql" in modules_text and "migrations/" in modules_text


def test_a_missing_a_repeated_and_a_removed_module_are_each_reported(tmp_path: Path) -> None:
    for name in ("clock.py", "store/packets.py", "runtime/packets.py", "sims/lever/app.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    doc = (
        "## Modules\n\n"
        "- Top level: `clock.py`.\n"
        "- `store/`: `packets.py` (packets),\n"
        "  and again `store/packets.py`, `gone.py`.\n"
        "- `sims/`: simulators.\n"
        "## Tests\n\n`runtime/packets.py` is not in Modules.\n"
    )
    assert problems(doc, tmp_path) == [
        "not named in Modules: runtime/packets.py",
        "named more than once in Modules: store/packets.py",
        "named in Modules but no such module: store/gone.py",
        "file names several packages share, to write with the package: store/packets.py",
    ]
    assert dangling_paths(doc, tmp_path, tmp_path) == ["gone.py"]
    fixed = doc.replace("`packets.py` (packets),", "`store/packets.py` (packets).").replace(
        "  and again `store/packets.py`, `gone.py`.", "- `runtime/`: `runtime/packets.py`."
    )
    assert problems(fixed, tmp_path) == []
