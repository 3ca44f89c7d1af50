"""U4: an archived (not hired) candidate's open Jira work is closed — Done or Cancelled per team — with
the archive reason in a comment, and the closure is logged on Lever as one note."""

from __future__ import annotations

import re

from e2e_support import Service, Simulators
from lever_actions import (
    Recruiter,
    comments,
    eventually,
    lever_notes,
    onboarding,
    settle,
    status_of,
    to_offer_signed,
)

AUDIT = re.compile(
    r"Lever: archived as “Withdrew” at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\. "
    r"The recipe “onboarding” no longer "
    r"applies, so hirebridge moved this issue to “(Cancelled|Done)”"
)


def test_archiving_closes_linked_work_per_team_and_notes_it_on_lever(
    sims: Simulators, service: Service
) -> None:
    lever = Recruiter(sims)
    engineer = to_offer_signed(lever, "Elif Demir")
    seller = to_offer_signed(lever, "Mateo Silva", "Account Executive")
    early = lever.create("Quinn O'Brien")
    lever.move(early, "Phone Screen")

    def opened() -> None:
        for name in ("Elif Demir", "Mateo Silva"):
            epic, children = onboarding(sims, name)
            assert [status_of(i) for i in (epic, *children)] == ["To Do"] * 4

    eventually(opened, what="both onboarding epics and their issues")  # the signatures may be polled
    settle(service.database_url, sims)
    # The seller's hiring manager hides her email in Jira: the config's users map assigns her by accountId.
    mona = onboarding(sims, "Mateo Silva")[0]["fields"]["assignee"]
    assert mona["accountId"] == "5b10ac8d82e05b22cc7d4e04" and "emailAddress" not in mona

    for opportunity in (engineer, seller, early):
        lever.archive(opportunity, "Withdrew")
    settle(service.database_url, sims)

    for name, opportunity, closed in (("Elif Demir", engineer, "Cancelled"), ("Mateo Silva", seller, "Done")):
        epic, children = onboarding(sims, name)
        issues = [epic, *children]
        assert [status_of(i) for i in issues] == [closed] * 4, name
        for issue in issues:
            trail = comments(sims, issue["key"])
            assert len(trail) == 1 and AUDIT.match(trail[0]), trail
        closure = [n for n in lever_notes(sims, opportunity) if n.startswith("Archived")]
        assert len(closure) == 1, closure
        said = re.match(
            r"Archived \(Withdrew\): hirebridge closed the linked Jira work ([A-Z0-9, -]+)\.", closure[0]
        )
        assert said, closure[0]
        # The onboarding issues, and the provisioning request of the signed offer.
        closed_keys = set(said.group(1).split(", "))
        onboarding_keys = {i["key"] for i in issues}
        assert onboarding_keys <= closed_keys, closure[0]
        assert [k[:5] for k in closed_keys - onboarding_keys] == ["ITSD-"], closure[0]
    # Nothing was linked to the early candidate: nothing to close, nothing to say.
    assert [n for n in lever_notes(sims, early) if n.startswith("Archived")] == []

    # Archiving again (another reason) closes nothing twice and notes nothing twice.
    lever.unarchive(engineer)
    lever.archive(engineer, "Not a fit")
    settle(service.database_url, sims)
    epic, children = onboarding(sims, "Elif Demir")
    assert [status_of(i) for i in (epic, *children)] == ["Cancelled"] * 4
    assert len([n for n in lever_notes(sims, engineer) if n.startswith("Archived")]) == 1
    lever.close()
