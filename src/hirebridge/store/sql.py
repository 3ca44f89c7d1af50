"""Named SQL queries, parsed once from queries.sql (the procrastinate layout)."""

from __future__ import annotations

import re
from importlib import resources
from typing import LiteralString, cast


def _parse(text: str) -> dict[str, LiteralString]:
    queries: dict[str, LiteralString] = {}
    for chunk in re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]:
        name, _, body = chunk.partition("\n")
        lines = [line for line in body.splitlines() if not line.startswith("--")]
        queries[name.strip()] = cast(LiteralString, "\n".join(lines).strip())
    return queries


QUERIES = _parse((resources.files("hirebridge.store") / "queries.sql").read_text())
