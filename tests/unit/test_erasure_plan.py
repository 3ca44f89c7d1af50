"""erasure_plan: which Jira writes an erasure still owes, per recipe policy and ledger state."""

from __future__ import annotations

import pytest

from hirebridge.config.lifecycle import ErasurePolicy
from hirebridge.domain.effects import EffectRecord, EffectState
from hirebridge.domain.erasure import erasure_key, erasure_plan

Row = tuple[tuple[str, str], EffectRecord]


def row(
    recipe: str, key: str, kind: str = "jira_issue", state: EffectState = "done", issue: str | None = "ONB-1"
) -> Row:
    return (recipe, key), EffectRecord(recipe, key, kind, "jira:main", f"hb-{key}", state, external_key=issue)


POLICIES = {"onboarding": ErasurePolicy(jira="close"), "notes": ErasurePolicy(jira="leave")}


@pytest.mark.parametrize(
    ("rows", "owed"),
    [
        # Every issue and request made is owed its erasure; the recipe's policy travels with it.
        ([row("onboarding", "epic"), row("provisioning", "req", "jsm_request")], ["epic", "req"]),
        # `leave`, a Lever note, a packet, an issue never made: nothing to write.
        ([row("notes", "epic"), row("onboarding", "note", "lever_note", issue=None)], []),
        ([row("onboarding", "packet", "justworks_packet", issue=None)], []),
        ([row("onboarding", "epic", state="pending", issue=None)], []),
        # Done, or parked with its reason: not again. Pending (a crash mid-write): again.
        ([row("onboarding", "epic"), row("onboarding", erasure_key("epic"), "jira_erasure")], []),
        ([row("onboarding", "epic"), row("onboarding", erasure_key("epic"), "jira_erasure", "failed")], []),
        (
            [row("onboarding", "epic"), row("onboarding", erasure_key("epic"), "jira_erasure", "pending")],
            ["epic"],
        ),
    ],
)
def test_erasure_plan(rows: list[Row], owed: list[str]) -> None:
    plan = erasure_plan(POLICIES, dict(rows))
    assert [a.record.key for a in plan] == owed
    assert all(a.key == erasure_key(a.record.key) for a in plan)


def test_policy_per_recipe_and_default() -> None:
    plan = erasure_plan(POLICIES, dict([row("onboarding", "epic"), row("unknown", "task")]))
    assert [(a.record.recipe, a.close) for a in plan] == [("onboarding", True), ("unknown", False)]
    assert plan[1].policy == ErasurePolicy()  # a recipe no longer configured: redacted


def test_check_shows_the_windows_in_force_and_each_recipes_policy() -> None:
    from hirebridge.config.models import Config
    from hirebridge.runtime.verify import lifecycle_summary

    note = {"id": "n", "lever_note": {"text": "hi"}}
    config = Config.model_validate(
        {
            "lever": {"main": {"api_key": "k"}},
            "retention": {"inbox_days": 14},
            "recipes": [
                {"name": "onb", "when": {}, "actions": [note], "on_erasure": {"jira": "close"}},
                {"name": "hc", "subject": "requisition", "when": {}, "actions": [note]},
            ],
        }
    )
    assert lifecycle_summary(config) == [
        "received webhooks are deleted after 14 days",
        "timeline details are redacted after 90 days (default)",
        "timeline rows are deleted after 730 days (erasure records are kept) (default)",
        "joined, sent, declined and withdrawn Justworks packets are redacted after 90 days (default)",
        "recipe onb: on erasure, its Jira issues are redacted and moved to 'Cancelled'",
    ]
