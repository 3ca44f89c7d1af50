"""U8 end to end: feedback written in a linked Jira issue becomes one Lever note, with no echo loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import psycopg
from e2e_support import JIRA_AUTH, RECRUITER_KEY, Service, Simulators, start_service, wait_for
from test_onboarding_epic import lever_notes

from hirebridge.demo.run import wait_until_synced
from hirebridge.demo.season import Candidate, Recruiter
from hirebridge.domain.signature import hub_signature

ERIN = ("erin@example.com", "sim-token")
FEEDBACK = "Feedback: strong system design, clear trade-offs. Hire."


def play(sims: Simulators, name: str, stages: list[str], *, onsite: bool = False) -> Candidate:
    """A candidate created and moved through Lever's API, with an onsite panel and a signed offer
    when the stages call for them."""

    async def run() -> Candidate:
        recruiter = Recruiter(sims.lever_url, RECRUITER_KEY)
        try:
            await recruiter.load()
            candidate = Candidate(name, stages[-1])
            posting = next(p for p in recruiter.postings if p["text"] == "Senior Backend Engineer")
            await recruiter.create(candidate, posting)
            start = datetime.now(UTC) + timedelta(days=14)
            if onsite:
                await recruiter.schedule_onsite(candidate, start - timedelta(days=7))
            for stage in stages:
                if stage == "Offer":
                    await recruiter.extend_offer(candidate, start)
                await recruiter.move(candidate, stage)
            if "Offer" in stages:  # the candidate signs: Lever's accepted offer
                await recruiter.extend_offer(candidate, start, signed=True)
            return candidate
        finally:
            await recruiter.aclose()

    return asyncio.run(run())


def jira(sims: Simulators, method: str, path: str, *, auth: tuple[str, str], **kwargs: Any) -> Any:
    response = httpx2.request(method, f"{sims.jira_url}{path}", auth=auth, timeout=10, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def search(sims: Simulators, jql: str) -> list[dict[str, Any]]:
    body = {"jql": jql, "fields": ["summary", "status", "assignee", "labels"], "maxResults": 100}
    return jira(sims, "POST", "/rest/api/3/search/jql", auth=ERIN, json=body)["issues"]


def comment(sims: Simulators, key: str, text: str, *, auth: tuple[str, str] = ERIN) -> str:
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    adf = {"type": "doc", "version": 1, "content": [paragraph]}
    return str(jira(sims, "POST", f"/rest/api/3/issue/{key}/comment", auth=auth, json={"body": adf})["id"])


def comments(sims: Simulators, key: str) -> list[dict[str, Any]]:
    return jira(sims, "GET", f"/rest/api/3/issue/{key}/comment", auth=ERIN)["comments"]


def jira_deliveries(sims: Simulators) -> list[dict[str, Any]]:
    return httpx2.get(f"{sims.jira_url}/_sim/deliveries", timeout=10).json()["data"]


def settle(service: Service, sims: Simulators) -> None:
    """Until no Jira delivery is in flight and every hint was reconciled."""
    wait_for(
        lambda: httpx2.get(f"{sims.jira_url}/_sim/deliveries", timeout=5).json()["pending"] == 0,
        what="Jira deliveries",
    )
    wait_until_synced(service.database_url, sims.lever_url, timeout=30)


def notes_with(sims: Simulators, candidate: Candidate, text: str) -> list[str]:
    return [n for n in lever_notes(sims, candidate.id) if text in n]


def erin_task(sims: Simulators, candidate: Candidate) -> dict[str, Any]:
    def found() -> list[dict[str, Any]]:
        return [
            i
            for i in search(sims, "project = HIRE AND labels = interview")
            if i["fields"]["summary"].startswith(f"Interview {candidate.name}:")
            and (i["fields"].get("assignee") or {}).get("emailAddress") == ERIN[0]
        ]

    return wait_for(found, what="Erin's interview task")[0]


def test_feedback_delivered_three_times_makes_one_lever_note(sims: Simulators, service: Service) -> None:
    candidate = play(sims, "Bea Feedback", ["Phone Screen", "Onsite"], onsite=True)
    task = erin_task(sims, candidate)
    settle(service, sims)
    comment_id = comment(sims, task["key"], FEEDBACK)
    # Nothing changes in Lever: only Jira's webhook can make hirebridge look.
    wait_for(
        lambda: notes_with(sims, candidate, "strong system design"), what="the feedback note", every=0.25
    )
    delivery = next(
        d
        for d in jira_deliveries(sims)
        if d["event"] == "comment_created" and d["payload"]["comment"]["id"] == comment_id
    )
    for _ in range(2):  # the same delivery twice more, with its identifier
        httpx2.post(f"{sims.jira_url}/_sim/deliveries/{delivery['id']}/redeliver", timeout=10)
    settle(service, sims)

    notes = notes_with(sims, candidate, "strong system design")
    assert len(notes) == 1, notes
    assert "Erin Engineer" in notes[0] and task["key"] in notes[0]
    assert "Feedback:" not in notes[0]  # the prefix is the format, not the content
    with psycopg.connect(service.database_url) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM jira_events WHERE identifier = %s", (delivery["identifier"],)
        ).fetchone()
        effects = conn.execute(
            "SELECT count(*) FROM effects WHERE kind = 'lever_note' AND key = %s", (f"feedback:{comment_id}",)
        ).fetchone()
    assert stored == (1,) and effects == (1,)
    # Our own note did not travel back to Jira as a comment either.
    assert [c["id"] for c in comments(sims, task["key"])] == [comment_id]


def test_lost_jira_webhook_is_repaired_by_the_next_reconcile(sims: Simulators, service: Service) -> None:
    candidate = play(sims, "Cleo Lost", ["Phone Screen", "Onsite"], onsite=True)
    task = erin_task(sims, candidate)
    settle(service, sims)
    httpx2.post(f"{sims.jira_url}/_sim/faults", json={"webhook_drop": 1.0}, timeout=10)
    comment_id = comment(sims, task["key"], "Feedback: calm under pressure.")
    # The simulator decided this comment's delivery (dropped) and hirebridge has nothing in flight:
    # only then does "no note" mean the lost webhook was not acted on.
    wait_for(
        lambda: any(
            d["status"] == "dropped" and d["payload"]["comment"]["id"] == comment_id
            for d in jira_deliveries(sims)
            if d["event"] == "comment_created"
        ),
        what="the dropped delivery",
        every=0.25,
    )
    settle(service, sims)
    assert not notes_with(sims, candidate, "calm under pressure")
    httpx2.post(f"{sims.jira_url}/_sim/faults", json={"webhook_drop": 0.0}, timeout=10)
    # Any later hint about the candidate reads the comments from Jira again.
    play_move(sims, candidate, "Offer")
    wait_for(lambda: notes_with(sims, candidate, "calm under pressure"), what="the repaired note", every=0.25)
    settle(service, sims)
    assert len(notes_with(sims, candidate, "calm under pressure")) == 1


def play_move(sims: Simulators, candidate: Candidate, stage: str) -> None:
    async def run() -> None:
        recruiter = Recruiter(sims.lever_url, RECRUITER_KEY)
        try:
            await recruiter.load()
            await recruiter.move(candidate, stage)
        finally:
            await recruiter.aclose()

    asyncio.run(run())


ECHO_CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}", workers: 4}
lever:
  main: {base_url: "${LEVER_BASE_URL}", api_key: "${LEVER_API_KEY}", perform_as: rita@example.com}
jira:
  main:
    base_url: "${JIRA_BASE_URL}"
    email: admin@example.com
    api_token: "${JIRA_API_TOKEN}"
    search_consistency_seconds: 2
    webhook_secret: "${JIRA_WEBHOOK_SECRET}"
recipes:
  - name: debrief
    when: {stage_reached: Onsite}
    allow: [candidate.name]
    actions:
      - id: task
        jira_issue:
          {project: HIRE, type: Task, summary: "Debrief {{ candidate.name }}", assignee: erin@example.com}
      # hirebridge's own comment looks exactly like feedback: it must never become a Lever note.
      - id: ask
        jira_comment: {on: task, text: "Feedback: please write yours below, starting with Feedback:"}
      - id: feedback
        jira_feedback: {source: task, comment_prefix: "Feedback:"}
      - id: closure
        lever_note: {text: "Feedback: debrief {{ refs.task.key }} is open"}
"""


def test_no_echo_loop(sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "echo.yaml"
    config.write_text(ECHO_CONFIG)
    service = start_service(
        sims, database_url, log_dir, config=config, env={"JIRA_WEBHOOK_SECRET": "s3cret-echo"}
    )
    try:
        candidate = play(sims, "Dag Echo", ["Phone Screen", "Onsite"])
        task = wait_for(lambda: search(sims, "project = HIRE AND summary ~ Debrief"), what="task")[0]
        wait_for(lambda: len(comments(sims, task["key"])) == 1, what="hirebridge's own comment")
        settle(service, sims)
        ours = comments(sims, task["key"])[0]
        comment(sims, task["key"], "Feedback: thoughtful questions.")
        wait_for(
            lambda: notes_with(sims, candidate, "thoughtful questions"), what="the feedback note", every=0.25
        )
        # Several more rounds: hints from Lever and from Jira, nothing new must appear anywhere.
        play_move(sims, candidate, "Offer")
        settle(service, sims)
        notes = lever_notes(sims, candidate.id)
        assert len(notes_with(sims, candidate, "thoughtful questions")) == 1
        assert not notes_with(sims, candidate, "please write yours"), notes
        assert len(notes_with(sims, candidate, "is open")) == 1  # our Lever note stays in Lever
        assert len(notes) == 2, notes
        assert len(comments(sims, task["key"])) == 2
        # hirebridge's own comment was recognised at the door: no event stored for it.
        with psycopg.connect(database_url) as conn:
            own = conn.execute(
                "SELECT count(*) FROM jira_events WHERE comment_id = %s", (ours["id"],)
            ).fetchone()
        assert own == (0,)
        # A restart (here on another port) finds its webhook again instead of adding a second one.
        service.process.stop()
        service = start_service(
            sims, database_url, log_dir, config=config, env={"JIRA_WEBHOOK_SECRET": "s3cret-echo"}
        )
        hooks = httpx2.get(f"{sims.jira_url}/rest/webhooks/1.0/webhook", auth=JIRA_AUTH, timeout=10).json()
        assert [h["url"] for h in hooks] == [f"{service.url}/webhooks/jira/main"]  # moved, not added
    finally:
        service.process.stop()


def test_bad_signature_is_refused_and_nothing_stored(sims: Simulators, service: Service) -> None:
    url = f"{service.url}/webhooks/jira/main"
    body = b'{"webhookEvent":"comment_created","issue":{"id":"99999","key":"ELSE-1"},"comment":{"id":"1"}}'
    headers = {"X-Atlassian-Webhook-Identifier": "id-1", "Content-Type": "application/json"}
    bad = httpx2.post(url, content=body, headers={**headers, "X-Hub-Signature": "sha256=" + "0" * 64})
    assert bad.status_code == 401 and "signature" in bad.json()["error"]
    wrong_key = httpx2.post(
        url, content=body, headers={**headers, "X-Hub-Signature": hub_signature("not-ours", body)}
    )
    assert wrong_key.status_code == 401
    unsigned = httpx2.post(url, content=body, headers=headers)
    assert unsigned.status_code == 401 and "X-Hub-Signature" in unsigned.json()["error"]
    with psycopg.connect(service.database_url) as conn:
        secret = conn.execute("SELECT secret FROM jira_webhooks WHERE connection = 'main'").fetchone()
        assert secret is not None
        garbled = b"{not json"
        malformed = httpx2.post(
            url, content=garbled, headers={**headers, "X-Hub-Signature": hub_signature(secret[0], garbled)}
        )
        assert malformed.status_code == 400 and "malformed JSON" in malformed.json()["error"]
        # Properly signed but about an issue hirebridge never made: answered, ignored.
        unlinked = httpx2.post(
            url, content=body, headers={**headers, "X-Hub-Signature": hub_signature(secret[0], body)}
        )
        assert unlinked.status_code == 200 and unlinked.json()["status"] == "ignored"
        assert conn.execute("SELECT count(*) FROM jira_events").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM subjects WHERE kind = 'opportunity'").fetchone() == (0,)
    hooks = httpx2.get(f"{sims.jira_url}/rest/webhooks/1.0/webhook", auth=JIRA_AUTH, timeout=10).json()
    assert [h["url"] for h in hooks] == [url]
