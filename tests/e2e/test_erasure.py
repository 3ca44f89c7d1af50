"""Erasure end to end: three candidates with unique marker strings in every field go through offer,
hire and Justworks packet; one is deleted in Lever (its webhook), one is forgotten on request (by
email, with `hirebridge forget`), one is deleted while Lever's webhooks are lost (the sweep's deleted
list). Each time, every table of hirebridge's database is read back: the candidate's markers are gone
and the others' are still there; each Jira issue got its recipe's erasure policy once; a later
webhook creates nothing. `hirebridge export` shows what is held before and after.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest
from lever_actions import Recruiter, comments, eventually, ms, settle
from test_u9_justworks import (  # noqa: F401  (the Justworks simulator, SMTP server and recruiter)
    Justworks,
    Mail,
    justworks,
    justworks_process,
    lever,
    mail,
    smtp_process,
)

from conftest import DEMO_CONFIG, JIRA_AUTH, LEVER_KEY, Service, Simulators, start_service
from hirebridge.domain.signature import lever_signature
from hirebridge.runtime.erasure import LISTED_REASON, WEBHOOK_REASON

START = ms(datetime(2026, 9, 1, 12, tzinfo=UTC))
FIELDS = (
    "first",
    "last",
    "mail",
    "phone",
    "headline",
    "location",
    "link",
    "tag",
    "source",
    "title",
    "laptop",
)
SALARY = {"a": 987_113, "b": 987_227, "c": 987_331}
ERASED_SUMMARY = "Candidate data erased"


def markers(tag: str) -> list[str]:
    return [f"zq{tag}{field}" for field in FIELDS] + [str(SALARY[tag])]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    anchor = "    perform_as: rita@example.com\n"
    path = tmp_path / "hirebridge.yaml"
    path.write_text(text.replace(anchor, anchor + "    sweep_interval_seconds: 2\n", 1), encoding="utf-8")
    return path


@pytest.fixture
def service(
    sims: Simulators,
    database_url: str,
    log_dir: Path,
    config: Path,
    justworks: Justworks,  # noqa: F811
    mail: Mail,  # noqa: F811
) -> Iterator[Service]:
    env = {
        "HIREBRIDGE_JUSTWORKS": "on",
        "JUSTWORKS_BASE_URL": justworks.url,
        "SMTP_PORT": str(mail.url_port),
        "HIREBRIDGE_WATCH_SECONDS": "2",
    }
    running = start_service(sims, database_url, log_dir, config=config, env=env)
    yield running
    running.process.stop()


def hire(lever: Recruiter, tag: str) -> str:  # noqa: F811
    """A candidate with a marker in every field, through offer (signed) to hired."""
    body = {
        "name": f"Zq{tag}first Zq{tag}last",
        "headline": f"zq{tag}headline",
        "emails": [f"zq{tag}mail@example.org"],
        "phones": [{"type": "mobile", "value": f"+1 555 0100 zq{tag}phone"}],
        "location": f"zq{tag}location",
        "links": [f"https://example.org/zq{tag}link"],
        "tags": [f"zq{tag}tag"],
        "sources": [f"zq{tag}source"],
        "postings": [lever.postings["Senior Backend Engineer"]["id"]],
        "origin": "applied",
        "stage": lever.stages["New Applicant"],
    }
    opportunity = str(lever._send("POST", "/opportunities", body)["id"])
    lever.move(opportunity, "Phone Screen", "Onsite", "Offer")
    lever.offer(
        opportunity,
        job_title=f"zq{tag}title",
        salary_amount=SALARY[tag],
        salary_interval="per-year-salary",
        compensation_currency="USD",
        anticipated_start_date=START,
        custom_laptop=f"zq{tag}laptop",
    )
    if "Offer Accepted" in lever.stages:
        lever.move(opportunity, "Offer Accepted")
    lever.archive(opportunity, "Hired")
    time.sleep(0.8)  # the recruiter's key has Lever's 10 requests/s (bursts of 20): a hire spends 7
    return opportunity


def dump(database_url: str) -> str:
    """Every row of every table of hirebridge's database, as text, lower-cased."""
    with psycopg.connect(database_url) as conn:
        tables = conn.execute(
            "SELECT quote_ident(table_name) FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        ).fetchall()
        rows = [row[0] for (table,) in tables for row in conn.execute(f"SELECT t::text FROM {table} t")]
    return "\n".join(rows).lower()


def held(database_url: str, tag: str) -> list[str]:
    text = dump(database_url)
    return [m for m in markers(tag) if m in text]


def query(database_url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, args).fetchall()


def erased(database_url: str, opportunity: str) -> dict[str, Any]:
    rows = query(
        database_url, "SELECT erasure FROM subjects WHERE kind = 'opportunity' AND id = %s", opportunity
    )
    assert rows and rows[0][0] and rows[0][0].get("erased_at"), "not erased yet"
    return dict(rows[0][0])


def issues_of(database_url: str, opportunity: str) -> dict[str, tuple[str, str]]:
    """Jira issue key → (recipe, kind) of every issue and request made for the candidate."""
    rows = query(
        database_url,
        "SELECT external_key, recipe, kind FROM effects WHERE subject_id = %s"
        " AND kind IN ('jira_issue', 'jsm_request') AND external_key IS NOT NULL",
        opportunity,
    )
    return {key: (recipe, kind) for key, recipe, kind in rows}


def check_jira_policy(sims: Simulators, database_url: str, opportunity: str) -> None:
    """Each issue redacted once; the onboarding recipe's (`close`) cancelled with one comment."""
    issues = issues_of(database_url, opportunity)
    assert issues
    erasures = query(
        database_url,
        "SELECT key, state, external_key FROM effects WHERE subject_id = %s AND kind = 'jira_erasure'",
        opportunity,
    )
    assert sorted(e[2] for e in erasures) == sorted(issues) and {e[1] for e in erasures} == {"done"}
    for key, (recipe, _) in issues.items():
        response = httpx2.get(f"{sims.jira_url}/rest/api/3/issue/{key}", auth=JIRA_AUTH, timeout=10)
        fields = response.json()["fields"]
        assert fields["summary"] == ERASED_SUMMARY
        said = [c for c in comments(sims, key) if "the candidate's data was erased" in c]
        if recipe == "onboarding":
            assert fields["status"]["name"] == "Cancelled" and len(said) == 1, key
        else:
            assert said == [], key


def hirebridge(sims: Simulators, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HIREBRIDGE_DATABASE_URL": database_url,
        "LEVER_BASE_URL": sims.lever_url,
        "LEVER_API_KEY": LEVER_KEY,
        "JIRA_BASE_URL": sims.jira_url,
        "JIRA_API_TOKEN": JIRA_AUTH[1],
    }
    return subprocess.run(
        [sys.executable, "-m", "hirebridge", *args, "--config", str(DEMO_CONFIG)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def late_webhook(service: Service, opportunity: str) -> None:
    """A stage change about the candidate that Lever delivers late (after the deletion), signed."""
    token = query(
        service.database_url,
        "SELECT signature_token FROM lever_webhooks WHERE event = 'candidateStageChange'",
    )[0][0]
    fresh, triggered = secrets.token_hex(24), int(time.time() * 1000)
    body = {
        "event": "candidateStageChange",
        "triggeredAt": triggered,
        "token": fresh,
        "signature": lever_signature(token, fresh, triggered),
        "data": {"opportunityId": opportunity, "candidateId": opportunity, "toStageId": "offer"},
    }
    response = httpx2.post(f"{service.url}/webhooks/lever/main", json=body, timeout=10)
    assert response.status_code == 200, response.text


def inbox_counts(database_url: str, *ids: str) -> dict[str, tuple[int, int]]:
    """Per subject: webhooks stored, and those whose payload is still there."""
    rows = query(
        database_url,
        "SELECT subject_id, count(*), count(*) FILTER (WHERE payload <> '{}') FROM inbox"
        " WHERE subject_id = ANY(%s) GROUP BY subject_id",
        list(ids),
    )
    return {i: (0, 0) for i in ids} | {row[0]: (row[1], row[2]) for row in rows}


def jira_issue_count(sims: Simulators) -> int:
    return len(httpx2.get(f"{sims.jira_url}/_sim/state", timeout=10).json()["issues"])


def test_deleted_forgotten_and_swept_candidates_are_erased_and_stay_erased(
    service: Service,
    lever: Recruiter,  # noqa: F811
    sims: Simulators,
) -> None:
    db = service.database_url
    a, b, c = [hire(lever, tag) for tag in "abc"]

    def packets_ready() -> None:
        emailed = query(db, "SELECT count(*) FROM packet_emails")[0][0]
        assert emailed == 6, emailed  # two employee admins per packet

    eventually(packets_ready, timeout=60, what="the three packets emailed")
    settle(db, sims, timeout=60)
    # What the dump can see before: the packet's fields (names, email, title, salary) are held.
    for tag in "abc":
        assert {f"zq{tag}first", f"zq{tag}mail", f"zq{tag}title", str(SALARY[tag])} <= set(held(db, tag))
    before = json.loads(hirebridge(sims, db, "export", "--opportunity", b).stdout)
    assert before["held"]["packets"][0]["source"]["home_email"] == "zqbmail@example.org"
    assert {o["external_key"] for o in before["external_objects"] if o["kind"] == "jira_issue"} == set(
        k for k, (_, kind) in issues_of(db, b).items() if kind == "jira_issue"
    )

    # Deleted in Lever: its candidateDeleted webhook.
    httpx2.delete(f"{sims.lever_url}/_sim/opportunities/{a}", timeout=10).raise_for_status()
    erasure = eventually(lambda: erased(db, a), what="the deleted candidate erased")
    assert erasure["by"] == f"lever:{lever.me}" and erasure["reason"] == WEBHOOK_REASON
    assert held(db, "a") == [] and held(db, "b") and held(db, "c")

    # Forgotten on request, found by email through Lever.
    result = hirebridge(sims, db, "forget", "--email", "zqbmail@example.org", "--by", "dpo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"opportunity {b}: erased" in result.stdout
    assert held(db, "b") == [] and held(db, "c")
    assert erased(db, b)["by"] == "dpo"
    planned = hirebridge(sims, db, "plan", "--opportunity", b)
    assert "erased; nothing is written for it again" in planned.stdout, planned.stdout + planned.stderr
    after = hirebridge(sims, db, "export", "--opportunity", b).stdout
    assert not [m for m in markers("b") if m in after.lower()]
    assert len(json.loads(after)["external_objects"]) >= len(before["external_objects"])

    # Deleted while Lever's webhooks are lost: the sweep's deleted list erases it.
    httpx2.post(f"{sims.lever_url}/_sim/faults", json={"webhook_drop": 1.0}, timeout=10).raise_for_status()
    httpx2.delete(f"{sims.lever_url}/_sim/opportunities/{c}", timeout=10).raise_for_status()
    assert eventually(lambda: erased(db, c), timeout=20, what="the swept deletion")["reason"] == LISTED_REASON
    httpx2.post(f"{sims.lever_url}/_sim/faults", json={"webhook_drop": 0.0}, timeout=10).raise_for_status()

    # Asked again for one already erased (and gone from Lever): nothing more happens.
    again = hirebridge(sims, db, "forget", "--opportunity", a, "--by", "dpo")
    assert again.returncode == 0 and f"opportunity {a}: erased" in again.stdout, again.stdout + again.stderr
    for opportunity in (a, b, c):
        check_jira_policy(sims, db, opportunity)
    audit = query(db, "SELECT subject_id, detail FROM audit WHERE action = 'erased' ORDER BY id")
    assert [row[0] for row in audit] == [a, b, c]
    assert all(set(detail) == {"by", "reason", "requested_at"} for _, detail in audit)

    # Later webhooks: a late one about a, and a real change to b (still in Lever). Nothing is created.
    effects = query(db, "SELECT count(*) FROM effects")[0][0]
    issues = jira_issue_count(sims)
    stored = inbox_counts(db, a, b)
    late_webhook(service, a)
    lever.unarchive(b)

    def hints_handled() -> None:
        now = inbox_counts(db, a, b)
        assert now[a][0] > stored[a][0] and now[b][0] > stored[b][0], now  # the webhooks arrived
        assert now[a][1] == now[b][1] == 0  # and were emptied by their (erased) reconcile
        assert query(db, "SELECT count(*) FROM subjects WHERE synced_version < desired_version")[0][0] == 0

    eventually(hints_handled, what="the later webhooks handled")
    assert query(db, "SELECT count(*) FROM effects")[0][0] == effects
    assert jira_issue_count(sims) == issues
    text = dump(db)
    assert not [m for tag in "abc" for m in markers(tag) if m in text]
    # The retention job ran in the service (its first run comes at start; nothing was old enough).
    ran = query(
        db,
        "SELECT last_summary FROM sweep_cursors WHERE stream = 'retention' AND last_finished_at IS NOT NULL",
    )
    assert ran and set(ran[0][0].values()) == {0}
