"""U2 and its reversals (U10): a requisition gets one headcount-planning issue whose status follows it.

Lever sends no webhooks for requisitions: the service's watch finds them (every 2 s here).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2
import psycopg
import pytest
from e2e_support import JIRA_AUTH, Service, Simulators, start_service
from lever_actions import Recruiter, comments, eventually, jira_search, settle, status_of

WATCH = {"HIREBRIDGE_WATCH_SECONDS": "2"}
TARGET_START = 1767225600000  # 2026-01-01 in Lever's milliseconds


@pytest.fixture
def watched(sims: Simulators, database_url: str, log_dir: Path) -> Iterator[Service]:
    running = start_service(sims, database_url, log_dir, env=WATCH)
    yield running
    running.process.stop()


def headcount(sims: Simulators) -> dict[str, dict]:
    """HC issues by requisition code (the code is in the summary, in parentheses)."""
    issues = jira_search(sims, "project = HC ORDER BY key")
    by_code: dict[str, dict] = {}
    for issue in issues:
        code = issue["fields"]["summary"].rsplit("(", 1)[-1].rstrip(")")
        assert code not in by_code, f"two headcount issues for {code}"
        by_code[code] = issue
    return by_code


def test_requisitions_get_one_headcount_issue_that_follows_their_status(
    sims: Simulators, watched: Service
) -> None:
    lever = Recruiter(sims)
    staff = lever.requisition(
        "ENG-900",
        "Staff Platform Engineer",
        customFields={"seniority": "Staff", "urgency": "High", "target_start_date": TARGET_START},
    )
    paused = lever.requisition("ENG-901", "Data Engineer", status="onHold", customFields={"urgency": "Low"})
    lever.requisition("ENG-902", "Cancelled role", status="closed")
    lever.requisition("ENG-903", "Draft role", status="draft")
    filled = lever.requisition("ENG-904", "Site Reliability Engineer", hiringManager=None)

    def created() -> dict[str, dict]:
        found = headcount(sims)
        assert {"ENG-900", "ENG-901", "ENG-902", "ENG-904"} <= found.keys()
        assert status_of(found["ENG-902"]) == "Closed" and status_of(found["ENG-901"]) == "On Hold"
        return found

    issues = eventually(created, what="headcount issues")
    # The seeded requisitions are open too; a draft is not planned yet.
    assert set(issues) == {"ENG-101", "SAL-201", "PPL-301", "ENG-900", "ENG-901", "ENG-902", "ENG-904"}

    fields = issues["ENG-900"]["fields"]
    assert fields["summary"] == "Headcount: Staff Platform Engineer (ENG-900)"
    assert fields["issuetype"]["name"] == "Task"
    assert status_of(issues["ENG-900"]) == "Open"
    assert fields["priority"]["name"] == "Highest"  # urgency High
    assert fields["assignee"]["emailAddress"] == "hank@example.com"
    assert [label for label in fields["labels"] if not label.startswith("hb-")] == ["headcount", "staff"]
    assert [label for label in fields["labels"] if label.startswith("hb-")], "the marker label"
    description = str(fields["description"])
    for part in ("Platform / Engineering", "Hank Manager", "**Seats:**", "2026-01-01"):
        assert part.replace("**", "") in description.replace("**", ""), part
    # Compensation never leaves Lever, even though the requisition has a band.
    assert "160000" not in str(issues["ENG-101"]) and "compensation" not in str(issues).lower()

    assert status_of(issues["ENG-901"]) == "On Hold"
    assert issues["ENG-901"]["fields"]["priority"]["name"] == "Low"
    assert status_of(issues["ENG-902"]) == "Closed"
    unspecified = issues["ENG-904"]["fields"]
    assert "unspecified" in unspecified["labels"] and unspecified["priority"]["name"] == "Medium"
    assert unspecified.get("assignee") is None and "none" in str(unspecified["description"])

    # U10: on hold and back; the paused one reopens; a hire fills the last seat and closes it.
    lever.update_requisition(staff, status="onHold")
    lever.update_requisition(paused, status="open")
    hired = lever.create("Ivan Petrov")
    lever.archive(hired, "Hired", requisition=filled)
    lever.update_requisition(filled, status="closed")

    def moved() -> dict[str, dict]:
        found = headcount(sims)
        assert status_of(found["ENG-900"]) == "On Hold"
        assert status_of(found["ENG-901"]) == "Open"
        assert status_of(found["ENG-904"]) == "Filled"
        return found

    issues = eventually(moved, what="headcount statuses")
    lever.update_requisition(staff, status="open")
    eventually(lambda: _assert_status(headcount(sims)["ENG-900"], "Open"), what="reopened")

    issues = headcount(sims)
    assert len(issues) == 7, "moving back and forth never duplicates"
    trail = comments(sims, issues["ENG-900"]["key"])
    assert len(trail) == 2, trail
    stamp = r"\(changed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)"
    assert re.match(
        rf"Lever: requisition ENG-900 “Staff Platform Engineer” is now on hold {stamp}\. "
        r"hirebridge moved this issue to “On Hold” \(was “Open”\)\.\s*",
        trail[0],
    ), trail[0]
    assert "is now open" in trail[1] and "to “Open” (was “On Hold”)" in trail[1], trail[1]
    assert "ENG-904 “Site Reliability Engineer” is now filled" in comments(sims, issues["ENG-904"]["key"])[-1]
    lever.close()


def _assert_status(issue: dict, status: str) -> None:
    assert status_of(issue) == status


def test_an_issue_a_person_already_moved_gets_no_second_transition_or_comment(
    sims: Simulators, watched: Service
) -> None:
    lever = Recruiter(sims)
    role = lever.requisition("ENG-950", "Platform Engineer", customFields={"urgency": "High"})

    def created() -> dict:
        found = headcount(sims)
        assert "ENG-950" in found
        return found["ENG-950"]

    issue = eventually(created, what="the headcount issue")
    # Someone in planning puts the issue on hold in Jira before the recruiter does in Lever.
    transitions = httpx2.get(
        f"{sims.jira_url}/rest/api/3/issue/{issue['key']}/transitions", auth=JIRA_AUTH, timeout=10
    ).json()["transitions"]
    hold = next(t for t in transitions if t["to"]["name"] == "On Hold")
    httpx2.post(
        f"{sims.jira_url}/rest/api/3/issue/{issue['key']}/transitions",
        auth=JIRA_AUTH,
        json={"transition": {"id": hold["id"]}},
        timeout=10,
    ).raise_for_status()
    lever.update_requisition(role, status="onHold")

    def reconciled_on_hold() -> None:
        with psycopg.connect(watched.database_url) as conn:
            seen = conn.execute(
                "SELECT count(*) FROM audit WHERE action = 'reconciled' AND subject_id = %s"
                " AND detail->>'status' = 'onHold'",
                (role,),
            ).fetchone()
        assert seen and seen[0] > 0

    eventually(reconciled_on_hold, what="a reconcile of the requisition on hold")
    settle(watched.database_url, sims)
    assert status_of(headcount(sims)["ENG-950"]) == "On Hold"
    assert comments(sims, issue["key"]) == [], "nothing to say: the issue was already where Lever puts it"

    # Reopened in Lever: hirebridge moves it back, and says why.
    lever.update_requisition(role, status="open")
    eventually(lambda: _assert_status(headcount(sims)["ENG-950"], "Open"), what="reopened")
    trail = comments(sims, issue["key"])
    assert len(trail) == 1 and "is now open" in trail[0], trail
    lever.close()
