from __future__ import annotations

import pytest
from lever_samples import OFFER, POSTING, REASONS, STAGES, USERS, opportunity

from hirebridge.domain.snapshot import OpportunitySnapshot, build_snapshot
from hirebridge.domain.view import full_view, is_granted, project_view


def snapshot() -> OpportunitySnapshot:
    return build_snapshot(
        opportunity(), stages=STAGES, archive_reasons=REASONS, users=USERS, posting=POSTING, offers=[OFFER]
    )


def test_snapshot_reads_stage_posting_people_and_offer() -> None:
    snap = snapshot()
    assert (snap.stage.name, snap.stage.index) == ("Offer", 3)
    assert snap.posting is not None and snap.posting.hiring_manager is not None
    assert snap.posting.hiring_manager.email == "hank@example.com"
    assert snap.accepted_offer is not None and snap.accepted_offer.fields["salary_amount"] == 120000


def test_archived_and_legacy_shape() -> None:
    hired = build_snapshot(
        opportunity(archived={"archivedAt": 1, "reason": "r-hired"}),
        stages=STAGES,
        archive_reasons=REASONS,
        users=USERS,
        posting=None,
    )
    assert hired.archived is not None and hired.archived.hired
    legacy = opportunity()
    legacy.update({"archived": None, "archivedAt": 5, "archiveReason": "r-withdrew"})
    old = build_snapshot(legacy, stages=STAGES, archive_reasons=REASONS, users=USERS, posting=None)
    assert old.archived is not None and old.archived.reason == "Withdrew" and not old.archived.hired


@pytest.mark.parametrize(
    ("path", "allow", "granted"),
    [
        ("candidate.name", ["candidate"], True),
        ("candidate.name", ["candidate.name"], True),
        ("candidate.headline", ["candidate.name"], False),
        ("candidate.emails", ["candidate"], False),  # a section never grants sensitive fields
        ("candidate.emails[]", ["candidate"], False),
        ("candidate.emails", ["candidate.emails"], True),  # named one by one: granted
        ("candidate.phones", ["candidate.emails"], False),
        ("offer.salary_amount", ["offer"], False),
        ("offer.salary_amount", ["offer", "offer.salary_amount"], True),
        ("offer.start_date", ["offer"], True),
        ("offer.fields.custom_equity", ["offer"], False),
        ("posting.title", [], False),
    ],
)
def test_is_granted(path: str, allow: list[str], granted: bool) -> None:
    assert is_granted(path, allow) is granted


def test_projection_keeps_only_granted_fields() -> None:
    view = project_view(full_view(snapshot()), ["candidate", "offer", "posting.title"])
    assert view["candidate"]["name"] == "Ada Lindqvist"
    for private in ("emails", "phones", "links", "location"):
        assert private not in view["candidate"]
    assert "salary_amount" not in view["offer"] and "fields" not in view["offer"]
    assert view["posting"] == {"title": "Senior Backend Engineer"}
    assert "hiring_manager" not in view and "owner" not in view
    serialised = repr(view)
    assert "ada@example.net" not in serialised and "120000" not in serialised and "555" not in serialised
