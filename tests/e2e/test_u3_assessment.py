"""U3: a candidate in the technical-assessment stage gets one review task for the department's reviewer,
due in three business days, with a reminder comment the business day before; moving on closes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx2
from e2e_support import Service, Simulators
from lever_actions import Recruiter, comments, jira_search, settle, status_of

from hirebridge.domain.template_filters import add_business_days


def set_lever_clock(sims: Simulators, moment: datetime | None) -> None:
    """Lever's clock: the past for a stage entered days ago (None: back to real time)."""
    body = {"now_ms": int((moment or datetime.now(UTC)).timestamp() * 1000)}
    httpx2.post(f"{sims.lever_url}/_sim/clock", json=body, timeout=10).raise_for_status()


def reviews(sims: Simulators) -> dict[str, dict]:
    issues = jira_search(sims, "project = HIRE AND labels = assessment ORDER BY key")
    return {i["fields"]["summary"]: i for i in issues}


def test_assessment_review_task_reminder_and_closure(sims: Simulators, service: Service) -> None:
    lever = Recruiter(sims)
    week_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(days=7)
    set_lever_clock(sims, week_ago)
    late = lever.create("Hana Sato")
    lever.move(late, "Phone Screen", "Technical Assessment")
    set_lever_clock(sims, None)
    fresh = lever.create("Lucia Moreno", "Account Executive")
    lever.move(fresh, "Technical Assessment")
    settle(service.database_url, sims)

    tasks = reviews(sims)
    assert sorted(tasks) == [
        "Review take-home: Hana Sato (Senior Backend Engineer)",
        "Review take-home: Lucia Moreno (Account Executive)",
    ]
    engineering = tasks["Review take-home: Hana Sato (Senior Backend Engineer)"]
    entered = datetime.fromtimestamp(lever.opportunity(late)["stageChanges"][-1]["updatedAt"] / 1000, UTC)
    assert engineering["fields"]["duedate"] == add_business_days(entered, 3).isoformat()
    assert engineering["fields"]["assignee"]["emailAddress"] == "erin@example.com"
    assert engineering["fields"]["issuetype"]["name"] == "Task"
    assert "assessment" in engineering["fields"]["labels"]
    assert f"/candidates/{late}" in str(engineering["fields"]["description"])
    # Its deadline is close: the reminder is there, once.
    reminders = [c for c in comments(sims, engineering["key"]) if c.startswith("Reminder:")]
    assert len(reminders) == 1 and "due tomorrow" in reminders[0]

    sales = tasks["Review take-home: Lucia Moreno (Account Executive)"]
    # Mona's Jira profile hides her email: the demo config maps it to her accountId.
    assert sales["fields"]["assignee"]["accountId"] == "5b10ac8d82e05b22cc7d4e04"
    assert sales["fields"]["duedate"] == add_business_days(datetime.now(UTC), 3).isoformat()
    assert comments(sims, sales["key"]) == [], "no reminder before its time"

    # Moving on closes the review (Done, per the recipe) with an audit comment; moving back reopens it.
    lever.move(late, "Onsite")
    settle(service.database_url, sims)
    done = reviews(sims)["Review take-home: Hana Sato (Senior Backend Engineer)"]
    assert status_of(done) == "Done"
    audit = comments(sims, done["key"])[-1]
    assert audit.startswith("Lever: moved from “Technical Assessment” to “Onsite” at "), audit
    assert "by Rita Recruiter" in audit and "moved this issue to “Done”" in audit

    lever.move(late, "Technical Assessment")
    settle(service.database_url, sims)
    tasks = reviews(sims)
    assert len(tasks) == 2, "moving back reuses the review task"
    again = tasks["Review take-home: Hana Sato (Senior Backend Engineer)"]
    assert again["key"] == engineering["key"] and status_of(again) == "To Do"
    assert "applies again" in comments(sims, again["key"])[-1]
    # A new stay in the stage has a new deadline.
    assert again["fields"]["duedate"] == add_business_days(datetime.now(UTC), 3).isoformat()
    lever.close()
