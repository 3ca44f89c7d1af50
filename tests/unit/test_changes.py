"""Changes of the recipes, pure: fingerprints, renames, orphans and their policies, likely renames,
the plan's summary, and fields a recipe owns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hirebridge.config.changes import Moved
from hirebridge.config.models import Config
from hirebridge.config.yamlsource import ConfigError
from hirebridge.domain.changes import (
    apply_moves,
    close_orphans,
    likely_renames,
    orphans,
    recipes_fingerprint,
    removed_actions,
)
from hirebridge.domain.effects import DesiredIssue, EffectRecord, IssueContent
from hirebridge.domain.plan import TransitionIssue, UpdateIssue, WithdrawPacket, plan
from hirebridge.runtime.configuration import load_config


def config(**changes: Any) -> Config:
    recipes = [
        {
            "name": "onboarding",
            "when": {"stage_reached": "Offer"},
            "actions": [
                {"id": "epic", "jira_issue": {"project": "ONB", "type": "Epic", "summary": "x"}},
                {"id": "it-accounts", "jira_issue": {"project": "ONB", "type": "Task", "summary": "y"}},
                {"id": "note", "lever_note": {"text": "hi"}},
            ],
        }
    ]
    base: dict[str, Any] = {
        "lever": {"main": {"api_key": "k"}},
        "jira": {"main": {"base_url": "http://jira.invalid", "email": "a@example.com", "api_token": "t"}},
        "recipes": recipes,
    }
    return Config.model_validate({**base, **changes})


def record(recipe: str, key: str, kind: str = "jira_issue", **values: Any) -> EffectRecord:
    target = {"jira_issue": "jira:main", "lever_note": "lever:main", "justworks_packet": "justworks:main"}[
        kind
    ]
    return EffectRecord(
        recipe=recipe, key=key, kind=kind, target=target, marker="hb-1", state="done", **values
    )


def test_fingerprint_follows_the_recipes_not_the_service_settings() -> None:
    base = recipes_fingerprint(config(), "main", "opportunity")
    assert recipes_fingerprint(config(service={"workers": 2}), "main", "opportunity") == base
    assert recipes_fingerprint(config(rollout="manual"), "main", "opportunity") == base
    assert recipes_fingerprint(config(lookups={"a": {"b": "c"}}), "main", "opportunity") != base
    assert recipes_fingerprint(config(rollout={"orphans": "close"}), "main", "opportunity") != base
    assert recipes_fingerprint(config(), "main", "requisition") != base


def test_moves_rename_actions_and_recipes_but_never_onto_an_existing_effect() -> None:
    ledger = {
        ("onboarding", "it"): record("onboarding", "it"),
        ("onboarding", "interview:abc"): record("onboarding", "interview:abc"),
        ("onboarding", "packet.outcome"): record("onboarding", "packet.outcome", "lever_note"),
        ("old", "epic"): record("old", "epic"),
        ("old2", "epic"): record("old2", "epic"),
        ("onboarding", "epic"): record("onboarding", "epic"),
    }
    moves = [
        Moved.model_validate({"from": "onboarding/it", "to": "onboarding/it-accounts"}),
        Moved.model_validate({"from": "onboarding/interview", "to": "onboarding/meeting"}),
        Moved.model_validate({"from": "onboarding/packet", "to": "onboarding/hire"}),
        Moved.model_validate({"from": "old", "to": "hiring"}),
        Moved.model_validate({"from": "old2", "to": "onboarding"}),
    ]
    moved, count = apply_moves(ledger, moves)
    assert sorted(moved) == [
        ("hiring", "epic"),
        ("old2", "epic"),  # onboarding/epic exists: it stays where it is
        ("onboarding", "epic"),
        ("onboarding", "hire.outcome"),
        ("onboarding", "it-accounts"),
        ("onboarding", "meeting:abc"),
    ]
    assert count == 4 and moved[("onboarding", "it-accounts")].key == "it-accounts"


def test_moved_addresses_are_validated() -> None:
    with pytest.raises(ValueError, match="both recipe/action or both recipe"):
        Moved.model_validate({"from": "onboarding/it", "to": "onboarding"})
    with pytest.raises(ValueError):
        Moved.model_validate({"from": "Onboarding/It", "to": "x/y"})


def test_orphans_are_effects_of_removed_recipes_and_actions() -> None:
    ledger = {
        ("onboarding", "epic"): record("onboarding", "epic"),
        ("onboarding", "it"): record("onboarding", "it"),
        ("gone", "epic"): record("gone", "epic"),
        ("onboarding", "note"): record("onboarding", "note", "lever_note"),
    }
    found = orphans(ledger, config().recipes)
    assert sorted((r.recipe, r.key) for r in found) == [("gone", "epic"), ("onboarding", "it")]


@pytest.mark.parametrize("policy", ["keep", "review"])
def test_keep_and_review_write_nothing(policy: str) -> None:
    found = [record("onboarding", "it", status="To Do")]
    assert close_orphans(found, config(rollout={"orphans": policy}).rollout) == []


def test_close_transitions_open_issues_with_a_comment_and_withdraws_packets() -> None:
    found = [
        record("onboarding", "it", status="To Do"),
        record("onboarding", "done", status="cancelled"),
        record("onboarding", "note", "lever_note"),
        record("hire", "packet", "justworks_packet", status="ready"),
        record("hire", "sent", "justworks_packet", status="sent"),
    ]
    actions = close_orphans(found, config(rollout={"orphans": "close"}).rollout)
    assert [type(a) for a in actions] == [TransitionIssue, WithdrawPacket]
    close = actions[0]
    assert isinstance(close, TransitionIssue) and close.desired.status == "Cancelled"
    assert close.desired.comment is not None and "'onboarding/it'" in close.desired.comment


def test_a_removed_action_beside_a_new_one_of_the_same_target_is_a_likely_rename() -> None:
    rows = [
        ("onboarding", "epic", "jira_issue", "jira:main", 3),
        ("onboarding", "it", "jira_issue", "jira:main", 3),
        ("onboarding", "welcome", "lever_note", "lever:main", 2),
    ]
    cfg = config()
    removed = removed_actions(rows, cfg)
    assert [(o.recipe, o.action) for o in removed] == [("onboarding", "it"), ("onboarding", "welcome")]
    renames = likely_renames(removed, cfg, [(r, a) for r, a, *_ in rows])
    assert [(r.old.action, r.to) for r in renames] == [
        ("it", "onboarding/it-accounts"),
        ("welcome", "onboarding/note"),
    ]
    assert renames[0].declaration == "moved: [{from: onboarding/it, to: onboarding/it-accounts}]"
    declared = config(moved=[{"from": "onboarding/it", "to": "onboarding/it-accounts"}])
    assert [o.action for o in removed_actions(rows, declared)] == ["welcome"]
    # `it-accounts` took `it`'s effects over: it is no candidate for another rename.
    rows.append(("onboarding", "it2", "jira_issue", "jira:main", 1))
    later = likely_renames(removed_actions(rows, declared), declared, [(r, a) for r, a, *_ in rows])
    assert [(r.old.action, r.to) for r in later] == [("welcome", "onboarding/note")]


def content(summary: str, description: str) -> IssueContent:
    doc = {"type": "doc", "content": [{"type": "text", "text": description}]}
    return IssueContent("ONB", "Task", summary, doc, "it@example.com", ("it",), fields=(("Team", "A"),))


def test_only_owned_fields_make_an_update_and_only_they_are_sent() -> None:
    old = DesiredIssue(
        "onboarding", "it", "main", None, content=content("Accounts", "Old"), owned=("summary",)
    )
    done = record("onboarding", "it", content_hash=old.digest)
    edited = DesiredIssue(
        "onboarding", "it", "main", None, content=content("Accounts", "New"), owned=("summary",)
    )
    assert plan([edited], {"it": done}) == []
    renamed = DesiredIssue(
        "onboarding", "it", "main", None, content=content("Access", "New"), owned=("summary",)
    )
    (update,) = plan([renamed], {"it": done})
    assert isinstance(update, UpdateIssue)
    sent = renamed.content.owned_only(renamed.owned) if renamed.content else None
    assert sent is not None and sent.description is None and sent.assignee_email is None and sent.fields == ()
    everything = DesiredIssue("onboarding", "it", "main", None, content=content("Accounts", "Old"))
    assert everything.digest == content("Accounts", "Old").digest  # unchanged for recipes without `owned`


def test_config_refuses_a_move_from_a_live_action_or_to_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        """\
lever: {main: {api_key: k}}
jira: {main: {base_url: "http://jira.invalid", email: a@example.com, api_token: t}}
recipes:
  - name: onboarding
    when: {stage_reached: Offer}
    actions:
      - id: epic
        jira_issue: {project: ONB, type: Epic, summary: x, owned: [summary, fields.Team]}
moved:
  - {from: onboarding/epic, to: onboarding/epik}
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path, {})
    text = str(raised.value)
    assert "'onboarding/epic' still exists in the recipes" in text and ":10:" in text
    assert "no recipe or action 'onboarding/epik'" in text
