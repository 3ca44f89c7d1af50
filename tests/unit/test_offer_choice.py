"""Which offer a snapshot uses and which stage is the Offer stage: by Lever's data, never by position."""

from __future__ import annotations

import pytest
from lever_samples import POSTING, REASONS, STAGES, USERS, opportunity

from hirebridge.domain.offer_stage import find_offer_stage
from hirebridge.domain.snapshot import build_snapshot


def offer(offer_id: str, status: str, created: int, signed: int | None = None) -> dict:
    return {
        "id": offer_id,
        "status": status,
        "createdAt": created,
        "signatures": {"candidate": {"role": "candidate", "signedAt": signed, "signed": signed is not None}},
        "fields": [{"identifier": "salary_amount", "text": "Salary", "value": created}],
    }


def accepted(offers: list[dict]) -> str | None:
    snap = build_snapshot(
        opportunity(), stages=STAGES, archive_reasons=REASONS, users=USERS, posting=POSTING, offers=offers
    )
    return snap.accepted_offer.id if snap.accepted_offer else None


@pytest.mark.parametrize("order", [1, -1])
def test_offers_are_chosen_by_timestamp_in_either_list_order(order: int) -> None:
    drafts = [offer("old", "denied", 100), offer("new", "draft", 300), offer("mid", "sent", 200)]
    assert accepted(drafts[::order]) == "new"
    signed = [offer("s1", "signed", 100, signed=500), offer("s2", "signed", 200, signed=400), *drafts]
    assert accepted(signed[::order]) == "s1"
    assert accepted([]) is None


def test_offer_stage_by_lever_id_then_configuration_then_last_stage() -> None:
    renamed = [{"id": "lead-new", "text": "New Lead"}, {"id": "offer", "text": "Angebot"}]
    found = find_offer_stage(renamed, None)
    assert found is not None and (found.id, found.name) == ("offer", "Angebot")
    uuid_pipeline = [{"id": "a", "text": "New Lead"}, {"id": "b", "text": "Offer Extended"}]
    last = find_offer_stage(uuid_pipeline, None)
    assert last is not None and last.name == "Offer Extended" and "last stage" in last.found_by
    configured = find_offer_stage(uuid_pipeline, "offer extended")
    assert configured is not None and configured.id == "b" and "configuration" in configured.found_by
    assert find_offer_stage(uuid_pipeline, "Offer") is None
    assert find_offer_stage([], None) is None


@pytest.mark.parametrize(
    ("offers", "reason"),
    [
        (None, "is in “Offer” since"),  # offers not read: the stage is the reason, not an offer
        (
            [offer("o1", "draft", 100)],
            "the accepted offer was withdrawn or declined (its status is now “draft”)",
        ),
    ],
)
def test_a_reversal_names_a_withdrawn_offer_only_when_offers_were_read(
    offers: list[dict] | None, reason: str
) -> None:
    from hirebridge.config.models import Recipe
    from hirebridge.domain.audit import opportunity_change

    recipe = Recipe.model_validate(
        {
            "name": "onboarding",
            "when": {"stage_reached": "Offer", "offer_accepted": True},
            "actions": [{"id": "note", "lever_note": {"text": "x"}}],
        }
    )
    snap = build_snapshot(
        opportunity(), stages=STAGES, archive_reasons=REASONS, users=USERS, posting=POSTING, offers=offers
    )
    assert snap.offers_read is (offers is not None)
    assert reason in opportunity_change(snap, recipe, closing=True)
