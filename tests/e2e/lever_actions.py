"""What a recruiter does in Lever, and what the tests read back from Jira, JSM and Lever.

Everything goes through the simulators' real APIs (Lever with the recruiter's own key); offers go
through the Lever simulator's `/_sim/offers`, since Lever has no API to write offers.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import psycopg
from e2e_support import JIRA_AUTH, RECRUITER_KEY, Simulators

Json = dict[str, Any]


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class Recruiter:
    """A recruiter clicking in Lever, as the Data API sees it (synchronous, for readable tests)."""

    def __init__(self, sims: Simulators) -> None:
        self.sims = sims
        self.http = httpx2.Client(base_url=f"{sims.lever_url}/v1", auth=(RECRUITER_KEY, ""), timeout=10)
        self.stages = {s["text"]: s["id"] for s in self._get("/stages")}
        reasons = self._get("/archive_reasons")
        self.reasons = {r["text"]: r["id"] for r in reasons}
        self.postings = {p["text"]: p for p in self._get("/postings")}
        self.users = {u["email"]: u["id"] for u in self._get("/users")}
        self.me = self.users["rita@example.com"]

    def _get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()["data"]

    def _send(self, method: str, path: str, body: Json | None = None) -> Any:
        response = self.http.request(method, path, params={"perform_as": self.me}, json=body)
        response.raise_for_status()
        return response.json()["data"] if response.content else None

    # Candidates -------------------------------------------------------------------------------

    def create(self, name: str, posting: str = "Senior Backend Engineer", *, origin: str = "applied") -> str:
        first, _, last = name.partition(" ")
        body = {
            "name": name,
            "emails": [f"{first.lower()}.{last.lower().replace(' ', '')}@example.net"],
            "phones": [{"type": "mobile", "value": "+1 555 0100"}],
            "postings": [self.postings[posting]["id"]],
            "origin": origin,
            "stage": self.stages["New Applicant"],
        }
        return str(self._send("POST", "/opportunities", body)["id"])

    def move(self, opportunity: str, *stages: str) -> None:
        for stage in stages:
            self._send("PUT", f"/opportunities/{opportunity}/stage", {"stage": self.stages[stage]})

    def archive(self, opportunity: str, reason: str, *, requisition: str | None = None) -> None:
        body: Json = {"reason": self.reasons[reason]}
        if requisition:
            body["requisitionId"] = requisition
        self._send("PUT", f"/opportunities/{opportunity}/archived", body)

    def unarchive(self, opportunity: str) -> None:
        self._send("PUT", f"/opportunities/{opportunity}/archived", {"reason": None})

    def opportunity(self, opportunity: str) -> Json:
        return dict(self._get(f"/opportunities/{opportunity}"))

    def offer(
        self, opportunity: str, *, status: str = "signed", offer_id: str | None = None, **fields: Any
    ) -> str:
        """The offer form in Lever's UI (the same `offer_id` again edits that offer)."""
        body: Json = {"opportunityId": opportunity, "status": status, "fields": fields}
        if offer_id:
            body["id"] = offer_id
        response = httpx2.post(f"{self.sims.lever_url}/_sim/offers", json=body, timeout=10)
        response.raise_for_status()
        return str(response.json()["data"]["id"])

    # Interviews -------------------------------------------------------------------------------

    def panel(self, opportunity: str, interviews: list[Json]) -> list[str]:
        """A panel managed by a scheduling tool; `interviewers` given by email."""
        for interview in interviews:
            interview["interviewers"] = [{"id": self.users[e]} for e in interview.pop("emails")]
        body = {"timezone": "UTC", "interviews": interviews, "externallyManaged": True}
        panel = self._send("POST", f"/opportunities/{opportunity}/panels", body)
        return [str(i["id"]) for i in panel["interviews"]]

    def interviews(self, opportunity: str) -> list[Json]:
        return list(self._get(f"/opportunities/{opportunity}/interviews"))

    def reschedule(self, opportunity: str, interview_id: str, **changes: Any) -> None:
        old = next(i for i in self.interviews(opportunity) if i["id"] == interview_id)
        body = {
            k: old.get(k)
            for k in ("panel", "subject", "note", "date", "duration", "location", "feedbackTemplate")
        }
        body["interviewers"] = [{"id": i["id"]} for i in old["interviewers"]]
        self._send("PUT", f"/opportunities/{opportunity}/interviews/{interview_id}", {**body, **changes})

    def cancel_interview(self, opportunity: str, interview_id: str) -> None:
        self._send("DELETE", f"/opportunities/{opportunity}/interviews/{interview_id}")

    # Requisitions -----------------------------------------------------------------------------

    def requisition(self, code: str, name: str, **fields: Any) -> str:
        body = {
            "requisitionCode": code,
            "name": name,
            "status": "open",
            "headcountTotal": 1,
            "employmentStatus": "full-time",
            "hiringManager": self.users["hank@example.com"],
            "owner": self.me,
            "team": "Platform",
            "department": "Engineering",
            "location": "Remote US",
            **fields,
        }
        return str(self._send("POST", "/requisitions", body)["id"])

    def update_requisition(self, requisition_id: str, **changes: Any) -> None:
        old = self._get(f"/requisitions/{requisition_id}")
        keep = {k: v for k, v in old.items() if k not in ("id", "createdAt", "updatedAt", "creator")}
        self._send("PUT", f"/requisitions/{requisition_id}", {**keep, **changes})

    def close(self) -> None:
        self.http.close()


# Reading the other side -----------------------------------------------------------------------

ISSUE_FIELDS = [
    "summary", "status", "parent", "issuetype", "assignee", "labels", "description", "priority",
    "duedate", "customfield_10050", "customfield_10060", "customfield_10015", "customfield_10070",
]  # fmt: skip


def jira_search(sims: Simulators, jql: str) -> list[Json]:
    response = httpx2.post(
        f"{sims.jira_url}/rest/api/3/search/jql",
        auth=JIRA_AUTH,
        timeout=10,
        json={"jql": jql, "fields": ISSUE_FIELDS, "maxResults": 100},
    )
    response.raise_for_status()
    return list(response.json()["issues"])


def status_of(issue: Json) -> str:
    return str(issue["fields"]["status"]["name"])


def comments(sims: Simulators, key: str) -> list[str]:
    """Comment bodies as plain text (ADF flattened)."""
    response = httpx2.get(f"{sims.jira_url}/rest/api/3/issue/{key}/comment", auth=JIRA_AUTH, timeout=10)
    response.raise_for_status()
    return [adf_text(c["body"]) for c in response.json()["comments"]]


def adf_text(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "text":
            return str(node.get("text", ""))
        joined = "".join(adf_text(c) for c in node.get("content") or ())
        return joined + ("\n" if node.get("type") in ("paragraph", "listItem", "heading") else "")
    if isinstance(node, list):
        return "".join(adf_text(c) for c in node)
    return str(node or "")


def lever_notes(sims: Simulators, opportunity: str) -> list[str]:
    """The notes' texts, read as the recruiter: tests that poll them must not spend hirebridge's own
    key's rate limit (10/s), or the service and the test get 429s."""
    response = httpx2.get(
        f"{sims.lever_url}/v1/opportunities/{opportunity}/notes", auth=(RECRUITER_KEY, ""), timeout=10
    )
    response.raise_for_status()
    return [str(f.get("value")) for note in response.json()["data"] for f in note.get("fields") or ()]


def settle(database_url: str, sims: Simulators, *, timeout: float = 30.0) -> None:
    """Wait until every hint was reconciled and no reconcile job or webhook delivery is in flight."""
    quiet, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        with psycopg.connect(database_url) as conn:
            behind = conn.execute(
                "SELECT count(*) FROM subjects WHERE synced_version < desired_version"
            ).fetchone()
            jobs = conn.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                " AND task_name LIKE 'reconcile_%'"
            ).fetchone()
        pending = (
            httpx2.get(f"{sims.lever_url}/_sim/deliveries", params={"limit": 0}, timeout=5)
            .json()
            .get("pending", 0)
        )
        idle = behind == (0,) and jobs == (0,) and pending == 0
        quiet = quiet + 1 if idle else 0
        if quiet >= 3:
            return
        time.sleep(0.1)
    raise AssertionError(f"hirebridge had not caught up after {timeout:.0f} s")


def eventually(check: Any, *, timeout: float = 30.0, what: str = "the expected state") -> Any:
    """Poll `check` (which raises AssertionError until the state is right) until it passes."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_offer_signed(
    lever: Recruiter, name: str, posting: str = "Senior Backend Engineer", *, origin: str = "applied"
) -> str:
    """A new candidate taken to the Offer stage (the last of every Lever pipeline) who signs the offer
    there: Lever's accepted offer."""
    opportunity = lever.create(name, posting, origin=origin)
    lever.move(opportunity, "Phone Screen", "Onsite", "Offer")
    start = int((now_utc() + timedelta(days=21)).timestamp() * 1000)
    fields = {
        "anticipated_start_date": start,
        "salary_amount": 120000,
        "compensation_currency": "USD",
        "custom_laptop": "ThinkPad X1 Carbon",
    }
    offer = lever.offer(opportunity, status="sent", **fields)
    lever.offer(opportunity, status="signed", offer_id=offer, **fields)
    return opportunity


def onboarding(sims: Simulators, name: str) -> tuple[Json, list[Json]]:
    """The onboarding epic of `name` and its issues."""
    issues = jira_search(sims, "project = ONB ORDER BY key")
    epics = [
        i for i in issues if i["fields"]["issuetype"]["name"] == "Epic" and name in i["fields"]["summary"]
    ]
    assert len(epics) == 1, [e["fields"]["summary"] for e in epics]
    children = [i for i in issues if (i["fields"].get("parent") or {}).get("key") == epics[0]["key"]]
    return epics[0], children
