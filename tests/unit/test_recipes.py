from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from lever_samples import OFFER, POSTING, REASONS, STAGES, USERS, opportunity

from hirebridge.config.models import Recipe
from hirebridge.domain.adf import adf_errors
from hirebridge.domain.effects import DesiredIssue, DesiredNote, EffectRecord
from hirebridge.domain.observed import Observed
from hirebridge.domain.recipes import compile_recipe, evaluate
from hirebridge.domain.snapshot import build_snapshot
from hirebridge.domain.subjects import Subject
from hirebridge.domain.templates import TemplateEngine, TemplateError
from hirebridge.domain.view import full_view, project_view

STAGE_INDEX = {stage["text"]: index for index, stage in enumerate(STAGES)}
RECIPE = Recipe.model_validate(
    {
        "name": "onboarding",
        "when": {"stage_reached": "Offer", "offer_accepted": True},
        "allow": ["candidate.name", "posting", "hiring_manager", "offer.start_date"],
        "actions": [
            {
                "id": "epic",
                "jira_issue": {
                    "project": "ONB",
                    "type": "Epic",
                    "summary": "Onboarding: {{ candidate.name }}",
                    "description": "**Role:** {{ posting.title }}\n\nStarts {{ offer.start_date | date }}",
                    "assignee": "{{ hiring_manager.email }}",
                    "labels": ["onboarding"],
                },
            },
            {
                "id": "laptop",
                "jira_issue": {
                    "project": "ONB",
                    "type": "Task",
                    "parent": "epic",
                    "summary": "Laptop for {{ candidate.name }}",
                    "assignee": "it@example.com",
                },
            },
            {"id": "note", "lever_note": {"text": "Epic {{ refs.epic.key }}: {{ refs.epic.url }}"}},
        ],
    }
)
COMPILED = compile_recipe(RECIPE, TemplateEngine())
DONE_EPIC = EffectRecord(
    recipe="onboarding",
    key="epic",
    kind="jira_issue",
    target="jira:main",
    marker="hb-1",
    state="done",
    external_id="10007",
    external_key="ONB-7",
    external_url="http://jira/browse/ONB-7",
    status="",
)
SUBJECT = Subject("main", "opportunity", "opp-1")
NOW = datetime(2026, 11, 22, tzinfo=UTC)


def snapshot(stage: str = "offer", archived: dict | None = None):
    return build_snapshot(
        opportunity(stage, archived),
        stages=STAGES,
        archive_reasons=REASONS,
        users=USERS,
        posting=POSTING,
        offers=[OFFER],
    )


def context(snap, allow=RECIPE.allow):
    return project_view(full_view(snap), allow)


def run(snap, ledger=None, compiled=COMPILED):
    observed = Observed(SUBJECT, snap, full_view(snap), STAGE_INDEX, NOW)
    result = evaluate(compiled, observed, context=context(snap, compiled.recipe.allow), ledger=ledger or {})
    if result.problems:
        raise TemplateError(str(result.problems))
    return result.desired


def test_first_round_wants_only_the_epic() -> None:
    [epic] = run(snapshot())
    assert isinstance(epic, DesiredIssue) and epic.content is not None and epic.status is None
    assert epic.content is not None
    assert epic.content.summary == "Onboarding: Ada Lindqvist"
    assert epic.content.assignee_email == "hank@example.com"
    assert epic.content.description is not None and adf_errors(epic.content.description) == []
    assert "2026-01-01" in str(epic.content.description)


def test_dependents_follow_once_the_epic_is_done() -> None:
    effects = run(snapshot(), {"epic": DONE_EPIC})
    assert [e.key for e in effects] == ["epic", "laptop", "note"]
    laptop, note = effects[1], effects[2]
    assert isinstance(laptop, DesiredIssue) and laptop.parent_key == "epic"
    assert isinstance(note, DesiredNote) and note.text == "Epic ONB-7: http://jira/browse/ONB-7"


@pytest.mark.parametrize(
    ("stage", "archived", "active"),
    [
        ("offer", None, True),
        ("s-onsite", None, False),  # moved back
        ("offer", {"archivedAt": 1763900000000, "reason": "r-hired"}, True),
        ("offer", {"archivedAt": 1763900000000, "reason": "r-withdrew"}, False),
    ],
)
def test_reversal_closes_what_exists(stage: str, archived: dict | None, active: bool) -> None:
    effects = run(snapshot(stage, archived), {"epic": DONE_EPIC})
    epic = effects[0]
    assert isinstance(epic, DesiredIssue)
    assert (epic.content is not None) is active
    if not active:
        assert [e.key for e in effects] == ["epic"]  # nothing new is wanted, only the epic closed
        assert epic.status == "Cancelled" and epic.comment and "hirebridge" in epic.comment


def test_inactive_without_ledger_wants_nothing() -> None:
    assert run(snapshot("s-onsite")) == []


def test_a_template_reading_a_field_not_allowed_fails() -> None:
    leaky = Recipe.model_validate(
        {
            **RECIPE.model_dump(),
            "actions": [
                {
                    "id": "epic",
                    "jira_issue": {"project": "ONB", "type": "Epic", "summary": "{{ candidate.emails[0] }}"},
                }
            ],
        }
    )
    with pytest.raises(TemplateError, match="emails"):
        run(snapshot(), compiled=compile_recipe(leaky, TemplateEngine()))


def test_markdown_in_candidate_data_is_escaped() -> None:
    snap = build_snapshot(
        {**opportunity(), "name": "[x](javascript:alert(1))"},
        stages=STAGES,
        archive_reasons=REASONS,
        users=USERS,
        posting=POSTING,
        offers=[OFFER],
    )
    compiled = compile_recipe(
        Recipe.model_validate(
            {
                **RECIPE.model_dump(),
                "actions": [
                    {
                        "id": "epic",
                        "jira_issue": {
                            "project": "ONB",
                            "type": "Epic",
                            "summary": "s",
                            "description": "Hello {{ candidate.name }}",
                        },
                    }
                ],
            }
        ),
        TemplateEngine(),
    )
    [epic] = run(snap, compiled=compiled)
    assert isinstance(epic, DesiredIssue) and epic.content and epic.content.description
    assert '"link"' not in json.dumps(epic.content.description)
    assert "javascript" in json.dumps(epic.content.description)  # kept as text, not as a link
