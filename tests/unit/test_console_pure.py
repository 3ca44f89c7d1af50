"""The console's pure parts: name tokens and their keyed digests, why a recipe does not apply, causes."""

from __future__ import annotations

import pytest
from lever_samples import OFFER, POSTING, REASONS, STAGES, USERS, opportunity

from hirebridge.config.models import Recipe
from hirebridge.domain.name_index import NameIndex, name_tokens
from hirebridge.domain.recipes import compile_recipe, recipe_applies, unmet_conditions
from hirebridge.domain.snapshot import build_snapshot
from hirebridge.domain.templates import TemplateEngine
from hirebridge.runtime.console_timeline import cause_of, cause_text

STAGE_INDEX = {stage["text"]: index for index, stage in enumerate(STAGES)}


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Cléo  Martin", ["cleo", "martin"]),
        ("O'Brien-Smith, ANNA", ["o", "brien", "smith", "anna"]),
        ("Zoë Zoë", ["zoe"]),
        ("李 小龍", ["李", "小龍"]),
        ("", []),
        ("a b c d e f g h i j", ["a", "b", "c", "d", "e", "f", "g", "h"]),
    ],
)
def test_name_tokens_are_the_folded_words_in_order(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


def test_digests_depend_on_the_key_and_every_key_is_searched() -> None:
    old = NameIndex.from_secrets(["old"])
    rotated = NameIndex.from_secrets(["new", "old"])
    assert old is not None and rotated is not None
    assert rotated.written("Cléo") != old.written("Cléo")  # the first key writes
    [[new_digest, old_digest]] = rotated.searched("CLEO")
    assert old_digest == old.written("cleo")[0] and new_digest == rotated.written("cleo")[0]
    assert len(new_digest) == 16 and b"cleo" not in new_digest
    assert NameIndex.from_env({}) is None and NameIndex.from_env({"HIREBRIDGE_SECRET_KEY": " , "}) is None
    assert NameIndex.from_env({"HIREBRIDGE_SECRET_KEY": "new, old"}) == rotated


def recipe(when: dict[str, object]) -> object:
    return compile_recipe(
        Recipe.model_validate(
            {"name": "it", "when": when, "actions": [{"id": "n", "lever_note": {"text": "x"}}]}
        ),
        TemplateEngine(),
    )


@pytest.mark.parametrize(
    ("stage", "when", "unmet"),
    [
        ("offer", {"stage_reached": "Offer"}, ()),
        ("s-phone", {"stage_reached": "Offer"}, ("stage_reached: Offer",)),
        ("offer", {"stage_reached": "Offer", "tags": ["vip"], "departments": ["Sales", "Legal"]},
         ("departments: Sales, Legal", "tags: vip")),
        ("offer", {"in_stage": ["Onsite"], "match": "{{ false }}"}, ("in_stage: Onsite", "match")),
        ("offer", {"requisition_status": ["open"]}, ("requisition_status (not an opportunity's)",)),
        ("offer", {"match": "{{ nothing.here }}"}, ("match (its template failed: TemplateError)",)),
    ],
)  # fmt: skip
def test_unmet_conditions_name_every_part_that_does_not_hold(
    stage: str, when: dict[str, object], unmet: tuple[str, ...]
) -> None:
    snap = build_snapshot(
        opportunity(stage, None),
        stages=STAGES,
        archive_reasons=REASONS,
        users=USERS,
        posting=POSTING,
        offers=[OFFER],
    )
    compiled = recipe(when)
    assert unmet_conditions(compiled, snap, STAGE_INDEX, {}) == unmet
    if "nothing" not in str(when):  # the same evaluation the reconcile uses, not a second one
        assert recipe_applies(compiled, snap, STAGE_INDEX, {}) == (not unmet)


def test_a_cause_is_a_reason_without_its_values() -> None:
    first = "jira answered 400: Field 'labels' value 'x y' is invalid for ONB-12"
    second = "jira answered 400: Field 'labels' value 'ab' is invalid for ONB-7"
    assert cause_text(first) == "jira answered …: Field … value … is invalid for …"
    assert cause_of("jira_issue", "jira:main", first) == cause_of("jira_issue", "jira:main", second)
    assert cause_of("jira_issue", "jira:eu", first) != cause_of("jira_issue", "jira:main", first)
