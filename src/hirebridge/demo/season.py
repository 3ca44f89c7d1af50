"""A hiring season played through Lever's own API, as recruiters clicking in Lever would."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2

from hirebridge.connectors.http import ServiceClient

NAMES = [
    "Ada Lindqvist", "Bashir Okafor", "Chen Wei", "Dana Kowalski", "Elif Demir", "Farah Haddad",
    "Gustavo Ribeiro", "Hana Sato", "Ivan Petrov", "Jonas Becker", "Kiran Rao", "Lucia Moreno",
    "Mateo Silva", "Nadia Rahman", "Oskar Nilsson", "Priya Menon", "Quinn O'Brien", "Rosa Jiménez",
    "Samir Aziz", "Tessa van Dijk",
]  # fmt: skip
# Where each candidate ends (shuffled by the seed). "Offer signed" reaches the Offer stage, the last of
# every Lever pipeline, and signs the offer there (Lever's accepted offer); "back to Onsite" signs, waits
# for the onboarding note in Lever, then is moved back (U10); "agency" is an agency hire (U6).
OUTCOMES = (
    ["Phone Screen"] * 3 + ["archived:Not a fit"] * 3 + ["Technical Assessment"] * 2
    + ["archived:Withdrew"] * 2 + ["Onsite"] * 2 + ["Offer signed"] * 4 + ["agency"] + ["hired"] * 2
    + ["back to Onsite"]
)  # fmt: skip
PIPELINE = ["New Applicant", "Phone Screen", "Technical Assessment", "Onsite", "Offer"]
ACCEPTED = ("Offer signed", "agency", "hired", "back to Onsite")


@dataclass
class Candidate:
    name: str
    outcome: str
    id: str = ""
    final_stage: str = ""
    posting: str = ""
    department: str = ""
    moves: list[str] = field(default_factory=list)
    # Written in Jira by people (U8 feedback text, U7 the request IT resolved), for the report.
    jira_feedback: str = ""
    resolved_request: str = ""
    packet_sent: bool = False  # U9: an admin sent this candidate's new-hire packet to Justworks
    offer_id: str = ""


class Recruiter:
    """Lever's Data API with the recruiter's own key (its own rate-limit bucket)."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api = ServiceClient(
            service="lever",
            base_url=self.base_url + "/v1",
            auth=(api_key, ""),
            requests_per_second=9,
            burst=18,
        )
        self.stages: dict[str, str] = {}
        self.reasons: dict[str, str] = {}
        self.hired_reason = ""
        self.postings: list[dict[str, Any]] = []
        self.users: dict[str, str] = {}
        self.recruiter_id = ""

    async def load(self) -> None:
        self.stages = {s["text"]: s["id"] for s in (await self.api.request("GET", "/stages")).json()["data"]}
        reasons = (await self.api.request("GET", "/archive_reasons")).json()["data"]
        self.reasons = {r["text"]: r["id"] for r in reasons}
        self.hired_reason = next(r["id"] for r in reasons if r.get("type") == "hired")
        self.postings = (await self.api.request("GET", "/postings")).json()["data"]
        users = (await self.api.request("GET", "/users")).json()["data"]
        self.users = {u["email"]: u["id"] for u in users}
        self.recruiter_id = self.users["rita@example.com"]

    async def create(self, candidate: Candidate, posting: dict[str, Any], *, origin: str = "applied") -> None:
        first, _, last = candidate.name.partition(" ")
        body = {
            "name": candidate.name,
            "emails": [f"{first.lower()}.{last.lower().replace(' ', '')}@example.net"],
            "postings": [posting["id"]],
            "origin": origin,
            "stage": self.stages["New Applicant"],
        }
        response = await self.api.request(
            "POST", "/opportunities", params={"perform_as": self.recruiter_id}, json=body
        )
        candidate.id = response.json()["data"]["id"]
        candidate.posting = posting["text"]
        candidate.department = (posting.get("categories") or {}).get("department", "")

    async def move(self, candidate: Candidate, stage: str) -> None:
        await self.api.request(
            "PUT",
            f"/opportunities/{candidate.id}/stage",
            json={"stage": self.stages[stage]},
            params={"perform_as": self.recruiter_id},
        )
        candidate.moves.append(stage)
        candidate.final_stage = stage

    async def archive(self, candidate: Candidate, reason_id: str | None) -> None:
        await self.api.request(
            "PUT",
            f"/opportunities/{candidate.id}/archived",
            json={"reason": reason_id},
            params={"perform_as": self.recruiter_id},
        )

    async def schedule_onsite(self, candidate: Candidate, start: datetime) -> list[str]:
        """An externally managed panel with two interviews (U5), as a scheduling tool would create."""
        interviews = [
            {"subject": "System design", "note": "Architecture and trade-offs",
             "interviewers": [{"id": self.users["erin@example.com"]}],
             "date": int(start.timestamp() * 1000), "duration": 60},
            {"subject": "Team fit", "note": "Collaboration and ownership",
             "interviewers": [{"id": self.users["hank@example.com"]}],
             "date": int((start + timedelta(hours=1)).timestamp() * 1000), "duration": 45},
        ]  # fmt: skip
        response = await self.api.request(
            "POST",
            f"/opportunities/{candidate.id}/panels",
            params={"perform_as": self.recruiter_id},
            json={"timezone": "UTC", "interviews": interviews, "externallyManaged": True},
        )
        return [i["id"] for i in response.json()["data"]["interviews"]]

    async def extend_offer(self, candidate: Candidate, start: datetime, *, signed: bool = False) -> None:
        """The offer sent to the candidate (`signed`: the candidate signs it, Lever's accepted offer).

        Lever has no API to write offers (no offers:write scope); the simulator's control API stands in
        for the recruiter sending the offer from Lever's UI and the candidate signing it."""
        offer = {
            "id": candidate.offer_id or None,
            "status": "signed" if signed else "sent",
            "fields": {
                "anticipated_start_date": int(start.timestamp() * 1000),
                "salary_amount": 120000,
                "compensation_currency": "USD",
                "salary_interval": "per-year-salary",
                "custom_laptop": "MacBook Air 13",
            },
        }
        async with httpx2.AsyncClient(base_url=self.base_url, timeout=10) as client:
            response = await client.post("/_sim/offers", json={"opportunityId": candidate.id, **offer})
            response.raise_for_status()
        candidate.offer_id = response.json()["data"]["id"]

    async def has_note(self, candidate: Candidate, text: str, *, within: float = 30.0) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            notes = (await self.api.request("GET", f"/opportunities/{candidate.id}/notes")).json()["data"]
            if any(text in str(f.get("value")) for n in notes for f in n.get("fields") or ()):
                return True
            await asyncio.sleep(0.5)
        return False

    async def aclose(self) -> None:
        await self.api.aclose()


async def play_candidate(
    recruiter: Recruiter, candidate: Candidate, posting: dict[str, Any], start: datetime
) -> None:
    outcome = candidate.outcome
    await recruiter.create(candidate, posting, origin="agency" if outcome == "agency" else "applied")
    candidate.final_stage = "New Applicant"
    target = outcome.split(":")[0]
    if outcome in ACCEPTED:
        target = "Offer"
    elif outcome.startswith("archived:"):
        target = "Phone Screen" if outcome.endswith("fit") else "Onsite"
    for stage in PIPELINE[1 : PIPELINE.index(target) + 1]:
        if stage == "Onsite":
            await recruiter.schedule_onsite(candidate, start - timedelta(days=14))
        if stage == "Offer":
            await recruiter.extend_offer(candidate, start)
        await recruiter.move(candidate, stage)
    if outcome in ACCEPTED:
        await recruiter.extend_offer(candidate, start, signed=True)
    if outcome.startswith("archived:"):
        await recruiter.archive(candidate, recruiter.reasons[outcome.split(":", 1)[1]])
        candidate.final_stage = f"archived ({outcome.split(':', 1)[1]})"
    elif outcome == "hired":
        await recruiter.archive(candidate, recruiter.hired_reason)
        candidate.final_stage = "hired"
    elif outcome == "back to Onsite":
        # The recruiter sees the onboarding note appear, then learns the offer fell through.
        await recruiter.has_note(candidate, "Onboarding epic")
        await recruiter.move(candidate, "Onsite")


async def play_season(lever_url: str, api_key: str, *, seed: int = 7) -> list[Candidate]:
    rng = random.Random(seed)
    outcomes = list(OUTCOMES)
    rng.shuffle(outcomes)
    candidates = [Candidate(name, outcome) for name, outcome in zip(NAMES, outcomes, strict=True)]
    recruiter = Recruiter(lever_url, api_key)
    try:
        await recruiter.load()
        start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=21)
        await asyncio.gather(
            *(
                play_candidate(recruiter, c, recruiter.postings[i % len(recruiter.postings)], start)
                for i, c in enumerate(candidates)
            )
        )
    finally:
        await recruiter.aclose()
    return candidates


class JiraPerson:
    """Someone working in Jira with their own account (an interviewer, IT), through Jira's REST API."""

    def __init__(self, jira_url: str, email: str, token: str = "sim-token") -> None:
        self.api = ServiceClient(
            service="jira", base_url=jira_url.rstrip("/"), auth=(email, token), requests_per_second=10
        )
        self.email = email

    async def find(self, jql: str, summary_prefix: str, *, within: float = 30.0) -> dict[str, Any] | None:
        body = {"jql": jql, "fields": ["summary", "assignee"], "maxResults": 100}
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            issues = (await self.api.request("POST", "/rest/api/3/search/jql", json=body)).json()["issues"]
            for issue in issues:
                if issue["fields"]["summary"].startswith(summary_prefix):
                    return issue  # type: ignore[no-any-return]
            await asyncio.sleep(0.5)
        return None

    async def comment(self, key: str, text: str) -> None:
        paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
        body = {"body": {"type": "doc", "version": 1, "content": [paragraph]}}
        await self.api.request("POST", f"/rest/api/3/issue/{key}/comment", json=body)

    async def resolve_request(self, key: str) -> None:
        transitions = (await self.api.request("GET", f"/rest/servicedeskapi/request/{key}/transition")).json()
        resolve = next(t for t in transitions["values"] if t["name"] == "Resolve")
        await self.api.request(
            "POST", f"/rest/servicedeskapi/request/{key}/transition", json={"id": resolve["id"]}
        )

    async def aclose(self) -> None:
        await self.api.aclose()


async def play_jira(jira_url: str, candidates: list[Candidate]) -> None:
    """Back in Jira: Erin writes her feedback on her interview task of each candidate still at Onsite
    (U8), and IT resolves one provisioning request (U7)."""
    erin, it = JiraPerson(jira_url, "erin@example.com"), JiraPerson(jira_url, "it@example.com")
    try:
        for candidate in (c for c in candidates if c.outcome == "Onsite"):
            task = await erin.find(
                "project = HIRE AND labels = interview AND assignee = currentUser()",
                f"Interview {candidate.name}:",
            )
            if task is not None:
                candidate.jira_feedback = f"{candidate.name.split()[0]} reasons clearly about trade-offs."
                await erin.comment(task["key"], f"Feedback: {candidate.jira_feedback}")
        hired = next(c for c in candidates if c.outcome == "Offer signed")
        request = await it.find("project = ITSD", f"Equipment for {hired.name}")
        if request is not None:
            await it.resolve_request(request["key"])
            hired.resolved_request = request["key"]
        await _delivered(jira_url)
    finally:
        await erin.aclose()
        await it.aclose()


async def _delivered(jira_url: str, within: float = 20.0) -> None:
    """Until the simulator has delivered its webhooks, so hirebridge has had every hint."""
    deadline = time.monotonic() + within
    async with httpx2.AsyncClient(base_url=jira_url, timeout=10) as client:
        while time.monotonic() < deadline:
            if (await client.get("/_sim/deliveries", params={"limit": 0})).json().get("pending", 0) == 0:
                return
            await asyncio.sleep(0.2)
