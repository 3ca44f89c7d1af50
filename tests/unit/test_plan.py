from __future__ import annotations

import pytest

from hirebridge.domain.effects import DesiredIssue, DesiredNote, EffectRecord, IssueContent
from hirebridge.domain.plan import CreateIssue, PostNote, ResolvePending, TransitionIssue, UpdateIssue, plan

CONTENT = IssueContent("ONB", "Epic", "Onboarding: Ada", None, None, ("onboarding",))
OPEN = DesiredIssue("onboarding", "epic", "main", "open", "To Do", content=CONTENT)
CLOSED = DesiredIssue("onboarding", "epic", "main", "closed", "Cancelled")
NOTE = DesiredNote("onboarding", "note", "main", "Epic ONB-1")


def record(state: str = "done", phase: str | None = "open", content_hash: str | None = CONTENT.digest,
           kind: str = "jira_issue", key: str = "epic") -> EffectRecord:
    return EffectRecord(recipe="onboarding", key=key, kind=kind, target="jira:main", marker="hb-x",
                        state=state, external_key="ONB-1", phase=phase, content_hash=content_hash)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("desired", "ledger", "expected"),
    [
        ([OPEN], {}, [CreateIssue]),
        ([OPEN], {"epic": record()}, []),
        ([OPEN], {"epic": record(state="pending", phase=None)}, [ResolvePending]),
        ([OPEN], {"epic": record(state="failed")}, []),
        ([OPEN], {"epic": record(phase="closed")}, [TransitionIssue]),
        ([OPEN], {"epic": record(content_hash="old")}, [UpdateIssue]),
        ([CLOSED], {"epic": record()}, [TransitionIssue]),
        ([CLOSED], {"epic": record(phase="closed")}, []),
        ([CLOSED], {}, []),
        ([NOTE], {}, [PostNote]),
        ([NOTE], {"note": record(kind="lever_note", key="note", phase=None)}, []),
        ([NOTE], {"note": record(state="pending", kind="lever_note", key="note")}, [ResolvePending]),
        ([OPEN, NOTE], {}, [CreateIssue, PostNote]),
    ],
)
def test_plan(desired: list, ledger: dict, expected: list[type]) -> None:
    assert [type(action) for action in plan(desired, ledger)] == expected


def test_plan_after_apply_is_empty() -> None:
    """Applying the plan and planning again yields nothing: reconciling is idempotent."""
    ledger = {"epic": record(), "note": record(kind="lever_note", key="note", phase=None)}
    assert plan([OPEN, NOTE], ledger) == []
