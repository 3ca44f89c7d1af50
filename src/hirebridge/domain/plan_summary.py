"""What a plan over many subjects would write, counted per recipe and action: the summary
`hirebridge plan --all` prints and the console's Recipes page shows. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from hirebridge.domain.changes import action_of
from hirebridge.domain.simulate import PlannedWrite

VERBS = ("creates", "updates", "closes", "transitions", "resolves")


def verb(write: PlannedWrite) -> str:
    """How a planned write counts: a transition to the close status of an orphan closes."""
    if write.op == "transition":
        return "closes" if write.detail.get("closing") else "transitions"
    if write.op == "packet":
        return "updates" if write.summary.startswith("update") else "creates"
    return {"update": "updates", "resolve": "resolves"}.get(write.op, "creates")


def summarise(writes: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], Counter[str]]:
    """(recipe, effect key, verb) → per recipe and action, how many of each verb."""
    out: dict[tuple[str, str], Counter[str]] = {}
    for recipe, key, counted in writes:
        out.setdefault((recipe, action_of(key)), Counter())[counted] += 1
    return out


def summary_rows(writes: Iterable[PlannedWrite]) -> list[dict[str, Any]]:
    """Per recipe and action in order, `{"recipe", "action", <verb>: count…}` (only verbs that occur)."""
    counted = summarise((w.recipe, w.key, verb(w)) for w in writes)
    return [
        {"recipe": recipe, "action": action, **counts} for (recipe, action), counts in sorted(counted.items())
    ]


def counts_text(row: Mapping[str, Any]) -> str:
    """ "2 creates, 1 update": a row's verbs in their usual order."""
    return ", ".join(f"{row[v]} {v[:-1] if row[v] == 1 else v}" for v in VERBS if row.get(v))
