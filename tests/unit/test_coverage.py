"""When a reconcile may be skipped because the previous read already covered its webhooks."""

from __future__ import annotations

import pytest

from hirebridge.domain.coverage import Hint, Seen, already_seen, hints_covered

SEEN = Seen(updated_at=1_000, stage="offer-accepted", recipes="r1")


def stage(to: str, at: int | None, *, source: str = "lever") -> Hint:
    return Hint(source, "candidateStageChange", at, to)


@pytest.mark.parametrize(
    ("hint", "covered"),
    [
        (stage("phone-screen", 999), True),  # triggered before the newest change the read saw
        (stage("phone-screen", 1_000), False),  # at the same moment: maybe after the read
        (stage("phone-screen", 2_000), False),  # after: news
        (stage("offer-accepted", 2_000), True),  # to the stage the read saw: no news
        (stage("offer-accepted", None), False),  # no Lever timestamp: not a Lever webhook we can place
        (stage("offer-accepted", 2_000, source="jira"), False),
        (Hint("lever", "candidateArchiveChange", 2_000), False),  # only a stage says what it changed
        (Hint("lever", "candidateArchiveChange", 999), True),
        (Hint("lever", "interviewCreated", 999), True),
        (Hint("lever", "candidateStageChange", 2_000, None), False),
    ],
)
def test_one_hint(hint: Hint, covered: bool) -> None:
    assert already_seen(hint, SEEN) is covered


def test_no_updated_at_leaves_only_the_stage_rule() -> None:
    seen = Seen(updated_at=None, stage="onsite", recipes="r1")
    assert already_seen(stage("onsite", 5), seen)
    assert not already_seen(stage("offer", 5), seen)


@pytest.mark.parametrize(
    ("hints", "raised", "seen", "recipes", "covered"),
    [
        ([stage("phone-screen", 10), stage("offer-accepted", 2_000)], 2, SEEN, "r1", True),
        ([stage("phone-screen", 10), stage("onsite", 2_000)], 2, SEEN, "r1", False),  # one is news
        ([stage("phone-screen", 10)], 2, SEEN, "r1", False),  # a raise with no webhook (sweep, Jira, …)
        ([], 1, SEEN, "r1", False),
        ([], 0, SEEN, "r1", False),  # nothing to skip for (a forced or first run)
        ([stage("phone-screen", 10)], 1, None, "r1", False),  # the last reconcile did not finish
        ([stage("phone-screen", 10)], 1, SEEN, "r2", False),  # recipes changed since that read
    ],
)
def test_all_hints(hints: list[Hint], raised: int, seen: Seen | None, recipes: str, covered: bool) -> None:
    assert hints_covered(hints, raised=raised, seen=seen, recipes=recipes) is covered
