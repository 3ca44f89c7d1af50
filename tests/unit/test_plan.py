from __future__ import annotations

import pytest

from hirebridge.domain.effects import (
    DesiredComment,
    DesiredIssue,
    DesiredNote,
    DesiredOfferCheck,
    DesiredPacket,
    DesiredRequest,
    EffectRecord,
    IssueContent,
    RequestContent,
)
from hirebridge.domain.plan import (
    AddComment,
    CheckOffer,
    CreateIssue,
    CreateRequest,
    PostNote,
    PreparePacket,
    ResolvePending,
    TransitionIssue,
    UpdateIssue,
    WithdrawPacket,
    plan,
)

CONTENT = IssueContent("ONB", "Epic", "Onboarding: Ada", None, None, ("onboarding",))
OPEN = DesiredIssue("onboarding", "epic", "main", None, content=CONTENT)
REOPEN = DesiredIssue("onboarding", "epic", "main", "To Do", content=CONTENT)
CLOSED = DesiredIssue("onboarding", "epic", "main", "Cancelled")
NOTE = DesiredNote("onboarding", "note", "main", "Epic ONB-1")
REQUEST = DesiredRequest(
    "it", "laptop", "main", None, content=RequestContent("ITSD", "Provision equipment", "s", None)
)
COMMENT = DesiredComment("assess", "reminder", "main", "ONB-1", "Due tomorrow")
PACKET = DesiredPacket("hire", "packet", "main", {"first_name": "Ada"})
UNHIRED = DesiredPacket("hire", "packet", "main", None)
OFFER = DesiredOfferCheck("offer", "check", "main", {"earnings_type": "per-month-salary"})


def record(
    state: str = "done",
    status: str | None = "",
    content_hash: str | None = CONTENT.digest,
    kind: str = "jira_issue",
    key: str = "epic",
) -> EffectRecord:
    return EffectRecord(
        recipe="onboarding",
        key=key,
        kind=kind,
        target="jira:main",
        marker="hb-x",
        state=state,
        external_key="ONB-1",
        status=status,
        content_hash=content_hash,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("desired", "ledger", "expected"),
    [
        ([OPEN], {}, [CreateIssue]),
        ([OPEN], {"epic": record()}, []),
        ([OPEN], {"epic": record(state="pending", status=None)}, [ResolvePending]),
        ([OPEN], {"epic": record(state="failed")}, []),
        ([REOPEN], {"epic": record(status="Cancelled")}, [TransitionIssue]),
        ([REOPEN], {"epic": record(status="to do")}, []),  # status names compare case-insensitively
        ([OPEN], {"epic": record(content_hash="old")}, [UpdateIssue]),
        ([CLOSED], {"epic": record()}, [TransitionIssue]),
        ([CLOSED], {"epic": record(status="Cancelled")}, []),
        ([CLOSED], {}, []),  # nothing to close
        ([NOTE], {}, [PostNote]),
        ([NOTE], {"note": record(kind="lever_note", key="note", status=None)}, []),
        ([NOTE], {"note": record(state="pending", kind="lever_note", key="note")}, [ResolvePending]),
        # no longer wanted after a crash between intent and outcome: still looked up
        ([], {"note": record(state="pending", kind="lever_note", key="note")}, [ResolvePending]),
        ([], {"note": record(kind="lever_note", key="note")}, []),
        ([REQUEST], {}, [CreateRequest]),
        ([COMMENT], {}, [AddComment]),
        ([COMMENT], {"reminder": record(kind="jira_comment", key="reminder")}, []),
        ([PACKET], {}, [PreparePacket]),
        (
            [PACKET],
            {
                "packet": record(
                    kind="justworks_packet", key="packet", status="pending_review", content_hash=PACKET.digest
                )
            },
            [],
        ),
        (
            [PACKET],
            {"packet": record(kind="justworks_packet", key="packet", status="pending_review")},
            [PreparePacket],
        ),  # Lever data changed before review: prepared again
        (
            [UNHIRED],
            {"packet": record(kind="justworks_packet", key="packet", status="pending_review")},
            [WithdrawPacket],
        ),
        ([UNHIRED], {"packet": record(kind="justworks_packet", key="packet", status="sent")}, []),
        ([UNHIRED], {"packet": record(kind="justworks_packet", key="packet", status="joined")}, []),
        ([OFFER], {}, [CheckOffer]),
        ([OFFER], {"check": record(kind="lever_note", key="check", content_hash=OFFER.digest)}, []),
        ([OFFER], {"check": record(kind="lever_note", key="check")}, [CheckOffer]),  # offer changed
        (
            [PACKET],
            {
                "packet": record(
                    kind="justworks_packet", key="packet", status="withdrawn", content_hash=PACKET.digest
                )
            },
            [PreparePacket],
        ),  # hired again
        ([OPEN, NOTE], {}, [CreateIssue, PostNote]),
    ],
)
def test_plan(desired: list, ledger: dict, expected: list[type]) -> None:
    assert [type(action) for action in plan(desired, ledger)] == expected


def test_plan_after_apply_is_empty() -> None:
    """Applying the plan and planning again yields nothing: reconciling is idempotent."""
    ledger = {"epic": record(), "note": record(kind="lever_note", key="note", status=None)}
    assert plan([OPEN, NOTE], ledger) == []
