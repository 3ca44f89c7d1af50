"""U5 end to end: an interview scheduled in Lever becomes one task per interviewer under the candidate's
hiring epic, with its time and due date; rescheduling updates the task, cancelling closes it.

Interviews do not move the opportunity's `updatedAt`, so only Lever's interview webhooks tell
hirebridge about them: these tests change interviews without any stage move afterwards.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from e2e_support import Service, Simulators
from lever_actions import Recruiter, eventually, jira_search, ms, settle, status_of

DAY = timedelta(days=1)


def hiring(sims: Simulators, name: str) -> tuple[dict, list[dict]]:
    issues = jira_search(sims, "project = HIRE ORDER BY key")
    epics = [i for i in issues if i["fields"]["summary"].startswith(f"Hiring: {name} (")]
    assert len(epics) == 1, [i["fields"]["summary"] for i in issues]
    tasks = [i for i in issues if (i["fields"].get("parent") or {}).get("key") == epics[0]["key"]]
    return epics[0], tasks


def by_interviewer(tasks: list[dict]) -> dict[str, dict]:
    return {t["fields"]["assignee"]["emailAddress"]: t for t in tasks if t["fields"].get("assignee")}


def test_interviews_become_tasks_that_follow_rescheduling_and_cancelling(
    sims: Simulators, service: Service
) -> None:
    lever = Recruiter(sims)
    opportunity = lever.create("Nora Quist")
    lever.move(opportunity, "Phone Screen", "Onsite")
    settle(service.database_url, sims)
    assert not [i for i in jira_search(sims, "project = HIRE") if "Nora Quist" in i["fields"]["summary"]]

    day = datetime.now(UTC).replace(hour=14, minute=0, second=0, microsecond=0) + 10 * DAY
    [onsite] = lever.panel(
        opportunity,
        [{"subject": "System design", "date": ms(day), "duration": 60,
          "emails": ["hank@example.com", "erin@example.com"]}],
    )  # fmt: skip

    def two_tasks() -> tuple[dict, dict[str, dict]]:
        epic, tasks = hiring(sims, "Nora Quist")
        assert len(tasks) == 2
        return epic, by_interviewer(tasks)

    epic, tasks = eventually(two_tasks, what="the hiring epic and one task per interviewer")
    assert epic["fields"]["issuetype"]["name"] == "Epic"
    assert set(tasks) == {"hank@example.com", "erin@example.com"}
    erin = tasks["erin@example.com"]["fields"]
    assert erin["summary"] == "Interview Nora Quist: System design (Erin Engineer)"
    assert erin["duedate"] == day.date().isoformat()
    assert erin["issuetype"]["name"] == "Task" and "interview" in erin["labels"]

    # A second, later interview for Erin alone: one more task, nothing else changes.
    [screen] = lever.panel(
        opportunity,
        [{"subject": "Pairing", "date": ms(day + DAY), "duration": 45, "emails": ["erin@example.com"]}],
    )

    def three_tasks() -> list[dict]:
        _, found = hiring(sims, "Nora Quist")
        assert len(found) == 3
        return found

    eventually(three_tasks, what="the second interview's task")

    # Moved two days later: the tasks of that interview follow.
    lever.reschedule(opportunity, onsite, date=ms(day + 2 * DAY))

    def moved() -> None:
        _, found = hiring(sims, "Nora Quist")
        onsite_tasks = [t for t in found if "System design" in t["fields"]["summary"]]
        assert {t["fields"]["duedate"] for t in onsite_tasks} == {(day + 2 * DAY).date().isoformat()}

    eventually(moved, what="the rescheduled due date")

    # Cancelled: its tasks close; the other interview's task and the epic stay open.
    lever.cancel_interview(opportunity, screen)

    def cancelled() -> None:
        _, found = hiring(sims, "Nora Quist")
        pairing = [t for t in found if "Pairing" in t["fields"]["summary"]]
        assert [status_of(t) for t in pairing] == ["Cancelled"]

    eventually(cancelled, what="the cancelled interview's task closed")
    settle(service.database_url, sims)
    epic, found = hiring(sims, "Nora Quist")
    assert status_of(epic) != "Cancelled" and len(found) == 3
    assert sorted(status_of(t) for t in found) == ["Cancelled", "To Do", "To Do"]
    lever.close()
