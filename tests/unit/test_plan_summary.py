"""The summary `plan --all` prints and the console's plan runs store: writes counted per recipe and
action, by verb."""

from __future__ import annotations

from hirebridge.domain.plan_summary import counts_text, summarise, summary_rows, verb
from hirebridge.domain.simulate import PlannedWrite


def write(op: str, recipe: str, key: str, summary: str = "", **detail: object) -> PlannedWrite:
    return PlannedWrite(
        op=op, recipe=recipe, key=key, target="jira:main", ref="", summary=summary, detail=detail
    )


def test_summary_counts_verbs_per_recipe_and_action() -> None:
    counts = summarise(
        [
            ("onboarding", "epic", "creates"),
            ("onboarding", "interview:a", "updates"),
            ("onboarding", "interview:b", "updates"),
        ]
    )
    assert (
        counts[("onboarding", "interview")]["updates"] == 2 and counts[("onboarding", "epic")]["creates"] == 1
    )


def test_rows_are_ordered_and_name_each_verb_once() -> None:
    writes = [
        write("transition", "onboarding", "laptop", closing=True),
        write("create", "onboarding", "laptop"),
        write("update", "onboarding", "laptop"),
        write("create", "onboarding", "laptop"),
        write("transition", "offer", "note:x"),
        write("packet", "offer", "packet", summary="update packet"),
        write("resolve", "offer", "packet.outcome"),
    ]
    assert [verb(w) for w in writes[:3]] == ["closes", "creates", "updates"]
    rows = summary_rows(writes)
    assert rows == [
        {"recipe": "offer", "action": "note", "transitions": 1},
        {"recipe": "offer", "action": "packet", "updates": 1, "resolves": 1},
        {"recipe": "onboarding", "action": "laptop", "closes": 1, "creates": 2, "updates": 1},
    ]
    assert counts_text(rows[2]) == "2 creates, 1 update, 1 close"
    assert summary_rows([]) == []
