"""Erasure end to end: three candidates with unique marker strings in every field go through offer,
hire and the Justworks packet (emailed to the admins, corrected and reviewed on its page; one person
added in Justworks and matched, a namesake of another flagged); one is deleted in Lever (its webhook),
one is forgotten on request (by email, with `hirebridge forget`), one is deleted while Lever's
webhooks are lost (the sweep's deleted list). Each time, every table of hirebridge's database is read
back: the candidate's markers are gone and the others' are still there; each Jira issue got its
recipe's erasure policy once; a later webhook, or the person appearing in Justworks, creates nothing.
`hirebridge export` shows what is held before and after.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest
from e2e_support import DEMO_CONFIG, JIRA_AUTH, Mail, Service, Simulators
from justworks_flow import EMPLOYEE_ADMINS, HIRED, LINK, Running, body, start_with_justworks
from lever_actions import Recruiter, comments, eventually, lever_notes, ms, settle
from psycopg.rows import dict_row

from hirebridge.demo.justworks import add_person_form, admin_adds_person, review
from hirebridge.domain.packet import OFFER_CHECK_TITLE
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
    "exempt",
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
def running(
    sims: Simulators, database_url: str, log_dir: Path, config: Path, justworks_url: str, smtp: Mail
) -> Iterator[Running]:
    started = start_with_justworks(sims, database_url, log_dir, justworks_url, smtp, config=config)
    yield started
    started.service.process.stop()


def hire(lever: Recruiter, tag: str) -> str:
    """A candidate with a marker in every field, through offer (signed) to hired. The offer's exemption
    status is no word Justworks knows: the recruiter is told in Lever, and the packet is held."""
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
        custom_exemption_status=f"zq{tag}exempt",
    )
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


def review_link(mail: Mail, tag: str) -> str:
    """The review link the first employee admin got for the candidate's packet."""
    got = [m for m in mail.to(EMPLOYEE_ADMINS[0], HIRED) if body(m).startswith(f"Zq{tag}first Zq{tag}last")]
    assert len(got) == 1, len(got)
    found = LINK.search(body(got[0]))
    assert found is not None
    return found.group(0)


def checked_offer(sims: Simulators, opportunity: str) -> str:
    """The recruiter's note on what Justworks would refuse, once it names the offer's exemption status."""
    time.sleep(0.3)  # read as the recruiter, whose key Lever limits to 10 requests/s
    found = [n for n in lever_notes(sims, opportunity) if n.startswith(OFFER_CHECK_TITLE)]
    assert len(found) == 1 and "Exemption status:" in found[0], found
    return found[0]


def packet_of(database_url: str, opportunity: str) -> dict[str, Any]:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        row = conn.execute("SELECT * FROM packets WHERE subject_id = %s", (opportunity,)).fetchone()
    assert row is not None
    return dict(row)


def findings(database_url: str, opportunity: str) -> int:
    """The offer check's stored findings (a digest of its note) for the candidate."""
    sql = "SELECT count(*) FROM effects WHERE subject_id = %s AND kind = 'lever_note' AND status IS NOT NULL"
    return int(query(database_url, sql, opportunity)[0][0])


def members_polled_after(database_url: str, moment: datetime) -> None:
    """The Justworks members watch started and finished a poll after `moment`."""
    rows = query(
        database_url,
        "SELECT last_started_at, last_finished_at FROM sweep_cursors WHERE stream = 'members'",
    )
    assert rows and rows[0][0] and rows[0][0] > moment and rows[0][1] and rows[0][1] > rows[0][0], rows


def test_deleted_forgotten_and_swept_candidates_are_erased_and_stay_erased(
    running: Running, lever: Recruiter, sims: Simulators
) -> None:
    service, db, mail = running.service, running.service.database_url, running.mail
    a, b, c = [hire(lever, tag) for tag in "abc"]

    def packets_ready() -> None:
        emailed = query(db, "SELECT count(*) FROM packet_emails")[0][0]
        assert emailed == 6, emailed  # two employee admins per packet

    eventually(packets_ready, timeout=60, what="the three packets emailed")
    links = {tag: review_link(mail, tag) for tag in "abc"}
    for link in links.values():  # the admin corrects the exemption status on the page
        assert review(link)["status"] == "held"
        fixed = httpx2.post(f"{link}/fields", data={"exemption_status": "exempt"}, timeout=30)
        assert fixed.status_code in (200, 303) and review(link)["status"] == "awaiting_review", fixed.text
    person_b = add_person_form(review(links["b"]), running.justworks)  # typed in, not saved yet
    admin_adds_person(links["a"], running.justworks)
    for tag in "bc":
        httpx2.post(f"{links[tag]}/reviewed", timeout=30, follow_redirects=True).raise_for_status()
    # A namesake of c joins Justworks (another address and start date): c's packet is flagged.
    namesake = {"member_type": "contractor_us_1099", "first_name": "Zqcfirst", "last_name": "Zqclast",
                "start_date": "2027-01-04", "home_email": "zqc.elsewhere@example.net"}  # fmt: skip
    httpx2.post(f"{running.justworks}/_sim/people", json=namesake, timeout=10).raise_for_status()

    def justworks_settled() -> None:
        assert packet_of(db, a)["status"] == "joined" and packet_of(db, a)["member_id"]
        assert packet_of(db, b)["status"] == "reviewed" and packet_of(db, b)["reviewed_by"]
        assert packet_of(db, c)["match_flag"] and packet_of(db, c)["member_id"]

    eventually(justworks_settled, what="a joined, b reviewed, c flagged")
    settle(db, sims, timeout=60)
    # The recruiter was told what Justworks would refuse, in words that quote none of the offer.
    for tag, opportunity in zip("abc", (a, b, c), strict=True):
        note = eventually(lambda o=opportunity: checked_offer(sims, o), what="the offer check notes")
        assert not [m for m in markers(tag) if m in note.lower()], note
        assert findings(db, opportunity) == 1  # the digest of what the note says, to see it change
    # What the dump can see before: the packet's fields (names, email, title, salary) are held.
    for tag in "abc":
        wanted = {f"zq{tag}first", f"zq{tag}mail", f"zq{tag}title", f"zq{tag}exempt", str(SALARY[tag])}
        assert wanted <= set(held(db, tag))
    before = json.loads(running.cli("export", "--opportunity", b))
    packet = before["held"]["packets"][0]
    assert packet["source"]["home_email"] == "zqbmail@example.org"
    assert packet["reviewed_by"] == EMPLOYEE_ADMINS[0] and packet["reviewed_at"]
    assert {o["external_key"] for o in before["external_objects"] if o["kind"] == "jira_issue"} == set(
        k for k, (_, kind) in issues_of(db, b).items() if kind == "jira_issue"
    )

    # Deleted in Lever: its candidateDeleted webhook. The person stays a member of Justworks.
    httpx2.delete(f"{sims.lever_url}/_sim/opportunities/{a}", timeout=10).raise_for_status()
    erasure = eventually(lambda: erased(db, a), what="the deleted candidate erased")
    assert erasure["by"] == f"lever:{lever.me}" and erasure["reason"] == WEBHOOK_REASON
    assert held(db, "a") == [] and held(db, "b") and held(db, "c")
    joined = json.loads(running.cli("export", "--opportunity", a))["held"]["packets"][0]
    assert joined["status"] == "joined" and joined["member_id"] and joined["source"] == {}
    assert joined["matched_by"] and joined["joined_at"] and joined["reviewed_by"] == EMPLOYEE_ADMINS[0]
    assert httpx2.get(links["a"], timeout=10).status_code == 404

    # Forgotten on request, found by email through Lever.
    result = running.run("forget", "--email", "zqbmail@example.org", "--by", "dpo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"opportunity {b}: erased" in result.stdout
    assert held(db, "b") == [] and held(db, "c")
    assert erased(db, b)["by"] == "dpo"
    planned = running.run("plan", "--opportunity", b)
    assert "erased; nothing is written for it again" in planned.stdout, planned.stdout + planned.stderr
    after = running.cli("export", "--opportunity", b)
    assert not [m for m in markers("b") if m in after.lower()]
    assert len(json.loads(after)["external_objects"]) >= len(before["external_objects"])
    assert json.loads(after)["held"]["packets"][0]["status"] == "withdrawn"
    # Its note in Lever (where b still is) quotes nothing of b either, and no longer counts as findings.
    note = checked_offer(sims, b).lower()
    assert not [m for m in markers("b") if m in note], note
    assert findings(db, b) == 0

    # The admin saves b in Justworks after all: the members watch (still waiting for c) reads the
    # member and matches nothing to the erased packet.
    moment = query(db, "SELECT now()")[0][0]
    httpx2.post(f"{running.justworks}/_sim/people", json=person_b, timeout=10).raise_for_status()
    eventually(lambda: members_polled_after(db, moment), what="a members poll after b joined")
    assert packet_of(db, b)["status"] == "withdrawn" and packet_of(db, b)["member_id"] is None
    assert query(db, "SELECT count(*) FROM audit WHERE subject_id = %s AND at > %s", b, moment) == [(0,)]

    # Deleted while Lever's webhooks are lost: the sweep's deleted list erases it.
    httpx2.post(f"{sims.lever_url}/_sim/faults", json={"webhook_drop": 1.0}, timeout=10).raise_for_status()
    httpx2.delete(f"{sims.lever_url}/_sim/opportunities/{c}", timeout=10).raise_for_status()
    assert eventually(lambda: erased(db, c), timeout=20, what="the swept deletion")["reason"] == LISTED_REASON
    httpx2.post(f"{sims.lever_url}/_sim/faults", json={"webhook_drop": 0.0}, timeout=10).raise_for_status()
    flagged = packet_of(db, c)  # the namesake's flag and member id go with it: they point at c's name
    assert flagged["status"] == "withdrawn" and flagged["match_flag"] is None and flagged["member_id"] is None
    exported = running.cli("export", "--opportunity", c).lower()
    assert not [m for m in markers("c") if m in exported], exported

    # Asked again for one already erased (and gone from Lever): nothing more happens.
    again = running.run("forget", "--opportunity", a, "--by", "dpo")
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
