"""U10: reversals. Moving back out of the Offer stage (offer signed), reinstating an archived candidate,
un-hiring a hired one and withdrawing an accepted offer transition what hirebridge made — with an audit
comment saying what changed in Lever and when — and moving forward again reuses it, never duplicates it.
(Requisitions on hold and back: test_u2_headcount.py; interviews moved and cancelled: test_u5.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import Service, Simulators, start_service
from lever_actions import (
    Recruiter,
    comments,
    eventually,
    jira_search,
    lever_notes,
    onboarding,
    settle,
    status_of,
    to_offer_signed,
)

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"


@pytest.fixture
def watched(sims: Simulators, database_url: str, log_dir: Path) -> Iterator[Service]:
    running = start_service(sims, database_url, log_dir, env={"HIREBRIDGE_WATCH_SECONDS": "2"})
    yield running
    running.process.stop()


def statuses(sims: Simulators, name: str) -> list[str]:
    epic, children = onboarding(sims, name)
    return [status_of(i) for i in (epic, *children)]


def last_comments(sims: Simulators, name: str) -> list[str]:
    epic, children = onboarding(sims, name)
    return [comments(sims, i["key"])[-1] for i in (epic, *children)]


def test_back_forth_reinstate_unhire(sims: Simulators, service: Service) -> None:
    lever = Recruiter(sims)
    back = to_offer_signed(lever, "Ada Lindqvist")
    reinstated = to_offer_signed(lever, "Bashir Okafor")
    hired = to_offer_signed(lever, "Chen Wei")
    names = ("Ada Lindqvist", "Bashir Okafor", "Chen Wei")
    first = eventually(lambda: {n: onboarding(sims, n) for n in names}, what="three onboarding epics")
    settle(service.database_url, sims)

    lever.move(back, "Onsite")
    lever.archive(reinstated, "Not a fit")
    lever.archive(hired, "Hired")
    settle(service.database_url, sims)
    assert statuses(sims, "Ada Lindqvist") == ["Cancelled"] * 4
    for text in last_comments(sims, "Ada Lindqvist"):
        assert re.match(
            rf"Lever: moved from “Offer” to “Onsite” at {STAMP} by Rita Recruiter\. The recipe "
            r"“onboarding” no longer applies, so hirebridge moved this issue to “Cancelled”",
            text,
        ), text
    assert statuses(sims, "Bashir Okafor") == ["Cancelled"] * 4
    assert all("archived as “Not a fit”" in t for t in last_comments(sims, "Bashir Okafor"))
    assert statuses(sims, "Chen Wei") == ["To Do"] * 4, "a hire keeps its onboarding work"

    # Forward again, reinstated, un-hired: the same issues, reopened, with a comment saying why.
    lever.move(back, "Offer")  # the signed offer still stands
    lever.unarchive(reinstated)
    lever.unarchive(hired)
    lever.move(hired, "Onsite")  # the hire was a mistake: back to the onsite stage
    settle(service.database_url, sims)
    for name in ("Ada Lindqvist", "Bashir Okafor"):
        assert onboarding(sims, name)[0]["key"] == first[name][0]["key"]
        assert statuses(sims, name) == ["To Do"] * 4, name
        for text in last_comments(sims, name):
            assert text.startswith("Lever: the candidate is active (not archived) in “Offer”"), text
            assert "applies again, so hirebridge moved this issue to “To Do” (was “Cancelled”)" in text
    assert statuses(sims, "Chen Wei") == ["Cancelled"] * 4
    assert "moved from “Offer” to “Onsite”" in last_comments(sims, "Chen Wei")[0]

    issues = jira_search(sims, "project = ONB")
    assert len(issues) == 3 * 4, "nothing duplicated"
    for opportunity in (back, reinstated, hired):
        assert len([n for n in lever_notes(sims, opportunity) if n.startswith("Onboarding epic")]) == 1
    lever.close()


def test_withdrawn_or_declined_offer_declines_the_provisioning_request(
    sims: Simulators, watched: Service
) -> None:
    lever = Recruiter(sims)
    withdrawn = lever.create("Dana Kowalski")
    lever.move(withdrawn, "Onsite")
    offer = lever.offer(withdrawn, anticipated_start_date=1767225600000)
    lever.move(withdrawn, "Offer")
    declined = to_offer_signed(lever, "Farah Haddad")

    def requests() -> dict[str, dict]:
        found = jira_search(sims, 'project = ITSD AND summary ~ "Equipment"')
        by_name = {i["fields"]["summary"].split(" (")[0].removeprefix("Equipment for "): i for i in found}
        assert len(by_name) == len(found)
        return by_name

    def both_waiting() -> None:
        found = requests()
        assert sorted(found) == ["Dana Kowalski", "Farah Haddad"]
        assert [status_of(i) for i in found.values()] == ["Waiting for support"] * 2

    settle(service_url := watched.database_url, sims)
    eventually(both_waiting, what="provisioning requests")

    # The offer is taken back (no longer signed); the other candidate declines and is archived.
    lever.offer(withdrawn, offer_id=offer, status="draft", anticipated_start_date=1767225600000)
    lever.archive(declined, "Offer declined")

    def both_declined() -> dict[str, dict]:
        found = requests()
        assert [status_of(found[n]) for n in ("Dana Kowalski", "Farah Haddad")] == ["Declined"] * 2
        return found

    found = eventually(both_declined, what="declined requests")
    audit = comments(sims, found["Dana Kowalski"]["key"])[-1]
    assert audit.startswith("Lever: the accepted offer was withdrawn or declined (its status is now “draft”)")
    assert "“provisioning” no longer applies" in audit
    assert comments(sims, found["Farah Haddad"]["key"])[-1].startswith(
        "Lever: archived as “Offer declined” at "
    )

    # Signed again: the same request is reopened, not raised twice.
    lever.offer(withdrawn, offer_id=offer, status="signed", anticipated_start_date=1767225600000)
    eventually(
        lambda: status_of(requests()["Dana Kowalski"]) == "Waiting for support" or _not_yet(),
        what="reopened request",
    )
    settle(service_url, sims)
    assert len(requests()) == 2
    assert "applies again" in comments(sims, requests()["Dana Kowalski"]["key"])[-1]
    lever.close()


def _not_yet() -> bool:
    raise AssertionError("not yet")
