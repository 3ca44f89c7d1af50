"""What the demo prints: per candidate, and per use case, what Jira and Lever hold now, checked
against what the recipes prescribe for the final Lever state."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx2
from rich.console import Console
from rich.table import Table

from hirebridge.demo.justworks import EMPLOYEE_ADMINS, REVIEW_LINK, MailCatcher, body, review
from hirebridge.demo.season import ACCEPTED, Candidate

CLOSED = {"cancelled", "done", "declined", "resolved"}


@dataclass
class Check:
    use_case: str
    what: str
    expected: int
    found: int

    @property
    def ok(self) -> bool:
        return self.expected == self.found


def all_issues(jira: httpx2.Client, jql: str) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        body: dict[str, Any] = {
            "jql": jql,
            "fields": ["status", "summary", "parent", "labels"],
            "maxResults": 100,
        }
        if token:
            body["nextPageToken"] = token
        page = jira.post("/rest/api/3/search/jql", json=body).json()
        issues += page["issues"]
        token = page.get("nextPageToken")
        if page.get("isLast", True) or not token:
            return issues


def _status(issue: dict[str, Any]) -> str:
    return str(issue["fields"]["status"]["name"])


def _summary(issue: dict[str, Any]) -> str:
    return str(issue["fields"]["summary"])


class Observed:
    def __init__(self, jira: httpx2.Client, lever: httpx2.Client) -> None:
        self.onb = all_issues(jira, "project = ONB ORDER BY key")
        self.hc = all_issues(jira, "project = HC ORDER BY key")
        self.hire = all_issues(jira, "project = HIRE ORDER BY key")
        self.itsd = all_issues(jira, "project = ITSD ORDER BY key")
        self.legal = all_issues(jira, "project = LEGAL ORDER BY key")
        self.lever = lever
        self._notes: dict[str, list[str]] = {}

    def notes(self, candidate: Candidate) -> list[str]:
        # Read once per candidate: several checks look at the same notes, and Lever limits the rate.
        if candidate.id not in self._notes:
            for _ in range(20):
                response = self.lever.get(f"/v1/opportunities/{candidate.id}/notes")
                if response.status_code != 429:
                    break
                time.sleep(float(response.headers.get("Retry-After") or 0.5))
            data = response.raise_for_status().json()["data"]
            self._notes[candidate.id] = [str(f.get("value")) for n in data for f in n.get("fields") or ()]
        return self._notes[candidate.id]

    def named(self, issues: list[dict[str, Any]], prefix: str, candidate: Candidate) -> list[dict[str, Any]]:
        return [i for i in issues if _summary(i).startswith(f"{prefix}{candidate.name} (")]


def candidate_table(candidates: list[Candidate], seen: Observed, console: Console) -> int:
    table = Table(title="U1 — onboarding epics (and U10 reversals)")
    for column in ("Candidate", "Final stage", "Onboarding epic", "Epic status", "Issues", "Lever note"):
        table.add_column(column)
    wrong = 0
    for candidate in candidates:
        expected = candidate.outcome in ACCEPTED
        epics = seen.named(seen.onb, "Onboarding: ", candidate)
        if not epics:
            wrong += expected
            table.add_row(candidate.name, candidate.final_stage, "—", "", "", "")
            continue
        epic = epics[0]
        children = [i for i in seen.onb if (i["fields"].get("parent") or {}).get("key") == epic["key"]]
        noted = sum(epic["key"] in note for note in seen.notes(candidate))
        closed = _status(epic).lower() in CLOSED
        wrong += len(epics) != 1 or len(children) != 3 or noted != 1 or not expected
        wrong += closed != (candidate.outcome == "back to Onsite")
        table.add_row(
            candidate.name,
            candidate.final_stage,
            epic["key"],
            _status(epic),
            str(len(children)),
            "posted" if noted == 1 else f"{noted} notes",
        )
    console.print(table)
    return wrong


def _closed(issue: dict[str, Any]) -> bool:
    return _status(issue).lower() in CLOSED


def use_case_checks(candidates: list[Candidate], seen: Observed) -> list[Check]:
    """Level-triggered: a candidate who passed a stage before hirebridge looked may rightly have no
    work for it, so the checks are about the final state (open work where the recipe still applies,
    closed work elsewhere) and about duplicates, never about every stage a candidate passed."""
    in_assessment = [c for c in candidates if c.final_stage == "Technical Assessment"]
    moved_on = [c for c in candidates if c.final_stage != "Technical Assessment"]
    interviewed = [c for c in candidates if "Onsite" in c.moves]
    active = [c for c in interviewed if not c.outcome.startswith("archived:")]
    archived = [c for c in candidates if c.outcome.startswith("archived:")]
    offers = [c for c in candidates if c.outcome in ACCEPTED]
    agency = [c for c in candidates if c.outcome == "agency"]
    reviews = {c.id: seen.named(seen.hire, "Review take-home: ", c) for c in candidates}
    epics = {c.id: seen.named(seen.hire, "Hiring: ", c) for c in candidates}
    interview_tasks = [i for i in seen.hire if "interview" in i["fields"].get("labels", [])]
    tasks_of = {
        c.id: [i for i in interview_tasks if _summary(i).startswith(f"Interview {c.name}:")]
        for c in candidates
    }
    with_work = [c for c in archived if reviews[c.id] or epics[c.id]]
    duplicates = sum(
        max(0, len(found) - 1)
        for c in candidates
        for prefix in ("Onboarding: ", "Review take-home: ", "Hiring: ", "Equipment for ")
        for found in [seen.named(seen.onb + seen.hire + seen.itsd, prefix, c)]
    )
    return [
        Check("U2", "headcount issues, one per requisition", 3, len(seen.hc)),
        Check(
            "U2/U10",
            "headcount issue on hold (SAL-201 put on hold)",
            1,
            sum(_status(i) == "On Hold" and "SAL-201" in _summary(i) for i in seen.hc),
        ),
        Check(
            "U3",
            "open review task for each candidate in assessment",
            len(in_assessment),
            sum(len(reviews[c.id]) == 1 and not _closed(reviews[c.id][0]) for c in in_assessment),
        ),
        Check(
            "U3/U10",
            "review tasks closed once the candidate moved on",
            sum(len(reviews[c.id]) for c in moved_on),
            sum(_closed(i) for c in moved_on for i in reviews[c.id]),
        ),
        Check(
            "U4",
            "Lever closure notes for archived candidates with Jira work",
            len(with_work),
            sum(any(n.startswith("Archived (") for n in seen.notes(c)) for c in with_work),
        ),
        Check(
            "U5",
            "hiring epic for each candidate with interviews",
            len(active),
            sum(len(epics[c.id]) == 1 for c in active),
        ),
        Check(
            "U5",
            "open interview tasks, one per interviewer",
            2 * len(active),
            sum(not _closed(i) for c in active for i in tasks_of[c.id]),
        ),
        Check(
            "U5/U10",
            "interview tasks closed for archived candidates",
            sum(len(tasks_of[c.id]) for c in archived),
            sum(_closed(i) for c in archived for i in tasks_of[c.id]),
        ),
        Check(
            "U6",
            "JSM requests for agency hires (IT + legal)",
            2 * len(agency),
            sum(
                _summary(i).startswith(("Contractor onboarding: ", "Contract review: "))
                for i in seen.itsd + seen.legal
            ),
        ),
        Check(
            "U7",
            "JSM provisioning requests for accepted offers",
            len(offers),
            sum(_summary(i).startswith("Equipment for ") for i in seen.itsd),
        ),
        Check(
            "U7",
            "resolved provisioning request noted once in Lever",
            sum(bool(c.resolved_request) for c in candidates),
            sum(
                sum(f"{c.resolved_request} is Resolved" in n for n in seen.notes(c)) == 1
                for c in candidates
                if c.resolved_request
            ),
        ),
        Check(
            "U8",
            "Jira feedback comments noted once in Lever",
            sum(bool(c.jira_feedback) for c in candidates),
            sum(sum(c.jira_feedback in n for n in seen.notes(c)) == 1 for c in candidates if c.jira_feedback),
        ),
        Check(
            "U8",
            "Lever feedback notes without a Jira comment (echoes)",
            0,
            sum(
                n.startswith("Interview feedback from") and not (c.jira_feedback and c.jira_feedback in n)
                for c in candidates
                for n in seen.notes(c)
            ),
        ),
        Check("all", "duplicated Jira issues or requests", 0, duplicates),
    ]


def justworks_checks(
    candidates: list[Candidate], seen: Observed, justworks_url: str, mail: MailCatcher
) -> list[Check]:
    hired = [c for c in candidates if c.outcome == "hired"]
    sent = [c for c in hired if c.packet_sent]
    emails = mail.hired_emails()
    links = [m.group(0) for m in (REVIEW_LINK.search(body(e)) for e in emails) if m]
    joined = {review(link)["candidate"] for link in links if review(link)["status"] == "joined"}
    return [
        Check(
            "U9",
            "hired: packet emailed to each employee admin with a review link",
            len(hired) * len(EMPLOYEE_ADMINS),
            sum(m["To"] in EMPLOYEE_ADMINS and REVIEW_LINK.search(body(m)) is not None for m in emails),
        ),
        Check(
            "U9",
            "emails to admins who cannot manage employees",
            0,
            sum(m["To"] not in EMPLOYEE_ADMINS for m in emails),
        ),
        Check("U9", "person added in Justworks by an admin → seen there by hirebridge", 1, len(joined)),
        Check(
            "U9",
            "Justworks outcome noted once in Lever",
            len(sent),
            sum(sum(n.startswith("Added to Justworks") for n in seen.notes(c)) == 1 for c in sent),
        ),
    ]


def print_report(
    candidates: list[Candidate],
    lever_url: str,
    jira_url: str,
    console: Console,
    *,
    lever_key: str,
    jira_auth: tuple[str, str],
    justworks_url: str | None = None,
    mail: MailCatcher | None = None,
) -> int:
    """Print the tables; return how many results differ from what the recipes prescribe."""
    with (
        httpx2.Client(base_url=jira_url, auth=jira_auth, timeout=10) as jira,
        httpx2.Client(base_url=lever_url, auth=(lever_key, ""), timeout=10) as lever,
    ):
        seen = Observed(jira, lever)
        wrong = candidate_table(candidates, seen, console)
        checks = use_case_checks(candidates, seen)
        if justworks_url is not None and mail is not None:
            checks[-1:-1] = justworks_checks(candidates, seen, justworks_url, mail)
    table = Table(title="Other use cases")
    for column in ("Use case", "What", "Expected", "Found", ""):
        table.add_column(column)
    for check in checks:
        table.add_row(
            check.use_case,
            check.what,
            str(check.expected),
            str(check.found),
            "ok" if check.ok else "[red]differs[/red]",
        )
        wrong += not check.ok
    console.print(table)
    return wrong
