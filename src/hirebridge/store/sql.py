"""Named SQL queries, parsed once from the `.sql` files in store/queries/ (the procrastinate layout:
`-- name: <query>` headers). Each concept keeps its queries in a file of its own."""

from __future__ import annotations

import re
from importlib import resources
from typing import LiteralString, cast


def parse_queries(text: str) -> dict[str, LiteralString]:
    queries: dict[str, LiteralString] = {}
    for chunk in re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]:
        name, _, body = chunk.partition("\n")
        lines = [line for line in body.splitlines() if not line.startswith("--")]
        queries[name.strip()] = cast(LiteralString, "\n".join(lines).strip())
    return queries


def _load() -> dict[str, LiteralString]:
    queries: dict[str, LiteralString] = {}
    folder = resources.files("hirebridge.store") / "queries"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".sql"):
            for name, query in parse_queries(entry.read_text()).items():
                if name in queries:
                    raise RuntimeError(f"query {name} is defined twice (again in {entry.name})")
                queries[name] = query
    return queries


QUERIES = _load()
