"""U9 end to end on the Justworks Partner API's real surface: OAuth (authorization code), company and
members. Before the hire the recruiter is told in Lever what Justworks would refuse; on hire the admins
get the packet over real SMTP, add the person in Justworks (the simulator's "Add a person" form stands
for its web UI), and hirebridge notices the member, notes it in Lever and moves the Jira work.

The Justworks simulator and an SMTP server (aiosmtpd, writing to a Maildir) run as processes of
their own; the service reaches them over loopback like any other Justworks and mail server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest
from e2e_support import DEMO_CONFIG, Mail, Simulators
from justworks_flow import EMPLOYEE_ADMINS, HIRED, LINK, Running, body, start_with_justworks
from lever_actions import Recruiter, eventually, jira_search, lever_notes, ms, status_of, to_offer_signed

from hirebridge.demo.justworks import admin_adds_person, connect_justworks, review

START = ms(datetime(2026, 9, 1, 12, tzinfo=UTC))
WITHDRAWN = "A hire was withdrawn in Lever"
CHECK = "Justworks check of this offer"


@pytest.fixture
def running(
    sims: Simulators, database_url: str, log_dir: Path, justworks_url: str, smtp: Mail
) -> Iterator[Running]:
    env = {"JUSTWORKS_INVITE_OVERDUE_HOURS": "0.0005"}  # an invite is overdue after 1.8 s
    started = start_with_justworks(sims, database_url, log_dir, justworks_url, smtp, env=env)
    yield started
    started.service.process.stop()


def review_links(mail: Mail) -> dict[str, str]:
    """The review link each employee admin got; exactly one email each."""

    def check() -> dict[str, str]:
        links = {}
        for admin in EMPLOYEE_ADMINS:
            got = mail.to(admin, HIRED)
            assert len(got) == 1, f"{admin} got {len(got)} emails"
            found = LINK.search(body(got[0]))
            assert found
            links[admin] = found.group(0)
        return links

    return eventually(check, what="the admin emails")


def post(link: str, action: str, form: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.post(f"{link}/{action}", data=form or {}, timeout=30, follow_redirects=True)


def checks(sims: Simulators, opportunity: str) -> list[str]:
    return [n for n in lever_notes(sims, opportunity) if n.startswith(CHECK)]


def test_a_monthly_salary_is_told_to_the_recruiter_before_the_hire_and_holds_the_packet(
    running: Running, lever: Recruiter, sims: Simulators
) -> None:
    opportunity = lever.create("Bo Berg")
    offer = lever.offer(opportunity, salary_amount=12000, salary_interval="per-month-salary",
                        anticipated_start_date=START, compensation_currency="USD")  # fmt: skip
    lever.move(opportunity, "Phone Screen", "Onsite", "Offer")

    def told() -> str:
        found = checks(sims, opportunity)
        assert len(found) == 1, found
        return found[0]

    first = eventually(told, what="the recruiter's note")
    assert "Type of earnings: type of earnings is a monthly salary" in first
    assert "Start date" not in first
    assert running.mail.to("paula@example.com", HIRED) == []  # nothing for the admins before the hire

    # The recruiter edits the offer (Lever sends no webhook for it): the one note changes, no second.
    lever.offer(opportunity, offer_id=offer, salary_amount=12000, salary_interval="per-month-salary",
                compensation_currency="USD")  # fmt: skip
    changed = eventually(lambda: _changed(sims, opportunity, first), what="the note to change")
    assert "monthly salary" in changed and "Start date: start date is missing" in changed

    lever.archive(opportunity, "Hired")
    link = review_links(running.mail)["rita@example.com"]
    shown = review(link)
    assert shown["status"] == "held"
    assert {p["field"] for p in shown["problems"]} == {"earnings_type", "start_date"}
    assert "need a correction" in body(running.mail.to("rita@example.com", HIRED)[0])
    assert post(link, "reviewed").status_code == 200
    assert review(link)["status"] == "held" and review(link)["reviewed_by"] is None
    assert len(checks(sims, opportunity)) == 1


def _changed(sims: Simulators, opportunity: str, before: str) -> str:
    found = checks(sims, opportunity)
    assert len(found) == 1 and found[0] != before, found
    return found[0]


def test_the_admin_adds_the_person_with_another_email_and_hirebridge_matches_and_notes_it(
    running: Running, lever: Recruiter, sims: Simulators
) -> None:
    opportunity = to_offer_signed(lever, "Ada Lindqvist")
    lever.offer(opportunity, salary_amount=150000, salary_interval="per-year-salary",
                compensation_currency="USD", anticipated_start_date=START)  # fmt: skip
    lever.archive(opportunity, "Hired")
    links = review_links(running.mail)
    assert running.mail.to("finn@example.com", HIRED) == []
    # Moved to the offer stage before the offer was written: the recruiter's note says so, then clears.
    eventually(lambda: _cleared(sims, opportunity), what="the offer check to clear")

    page = httpx2.get(links["paula@example.com"], timeout=10)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    assert "Ada Lindqvist" in html and "Lever profile" in html and "+1 555 0100" not in html
    assert '<input id="start_date" name="start_date" type="date" value="2026-09-01">' in html
    assert '<option value="employee_full_time" data-copy="Employee – Full Time (W-2)" selected>' in html
    assert '<option value="Engineering" data-copy="Engineering" selected>' in html
    assert 'data-copy="Hank Manager" selected>' in html
    assert (
        html.index('name="member_type"')
        < html.index('name="exemption_status"')
        < html.index('name="first_name"')
    )
    assert 'data-copy-from="home_email"' in html and "<script>" not in html
    assert 'href="https://secure.justworks.com"' in html
    assert httpx2.get(f"{running.service.url}/review/static/review.js", timeout=10).status_code == 200

    # A namesake joins Justworks first (another address, another start date): flagged, not taken.
    namesake = {"member_type": "contractor_us_1099", "first_name": "Ada", "last_name": "Lindqvist",
                "start_date": "2027-01-04", "home_email": "ada@elsewhere.example"}  # fmt: skip
    httpx2.post(f"{running.justworks}/_sim/people", json=namesake, timeout=10).raise_for_status()
    eventually(lambda: _flagged(running), what="the namesake to be flagged")
    assert review(links["rita@example.com"])["status"] == "awaiting_review"

    # The admin types the packet into Justworks but invites the person at their own address.
    person = admin_adds_person(
        links["paula@example.com"], running.justworks, home_email="ada.l@personal.example"
    )
    assert review(links["rita@example.com"])["reviewed_by"] == "paula@example.com"

    def joined() -> dict[str, Any]:
        packet = review(links["rita@example.com"])
        assert packet["status"] == "joined", packet["status"]
        return packet

    packet = eventually(joined, what="the member to be matched")
    assert packet["member_id"] == person["member_id"] and packet["matched_by"] == "name and start date"

    def noted() -> None:
        notes = [n for n in lever_notes(sims, opportunity) if n.startswith("Added to Justworks")]
        assert len(notes) == 1 and "matched by name and start date" in notes[0], notes

    eventually(noted, what="the Lever note")
    paperwork = eventually(lambda: _paperwork_done(sims), what="the People Ops task to be done")
    assert "Ada Lindqvist" in paperwork["fields"]["summary"]
    assert running.status()["awaited"] == {"held": 0, "awaiting_review": 0, "reviewed": 0}
    assert packet["match_flag"] is None
    noted()  # still one


def _cleared(sims: Simulators, opportunity: str) -> None:
    found = checks(sims, opportunity)
    assert len(found) <= 1 and all("Nothing to fix" in n for n in found), found


def _flagged(running: Running) -> None:
    assert running.status()["flagged"] == 1


def _paperwork_done(sims: Simulators) -> dict[str, Any]:
    issues = [i for i in jira_search(sims, "project = ONB") if "Contract, payroll" in i["fields"]["summary"]]
    assert len(issues) == 1 and status_of(issues[0]) == "Done", [status_of(i) for i in issues]
    return issues[0]


def test_unhiring_after_the_packet_was_emailed_and_reviewed_withdraws_it_and_tells_the_admins(
    running: Running, lever: Recruiter
) -> None:
    opportunity = lever.create("Cy Dahl")
    lever.offer(opportunity, salary_amount=50, salary_interval="per-hour-wage", anticipated_start_date=START)
    lever.move(opportunity, "Phone Screen", "Onsite", "Offer")  # offers are read in the Offer stage
    lever.archive(opportunity, "Hired")
    link = review_links(running.mail)["paula@example.com"]
    assert review(link)["form"]["exemption_status"] == {"value": "nonexempt", "copy": "Non-exempt"}
    assert post(link, "reviewed").status_code == 200
    assert review(link)["status"] == "reviewed"
    assert "Reviewed</strong> by paula@example.com on" in httpx2.get(link, timeout=10).text

    def overdue() -> None:
        assert running.status()["overdue"] == 1
        metrics = httpx2.get(f"{running.service.url}/metrics", timeout=10).text
        assert 'hirebridge_justworks_hires_awaited{connection="main",state="overdue"} 1.0' in metrics

    eventually(overdue, what="the invite to be overdue")  # never invited in Justworks
    assert "1 invite(s) overdue" in " ".join(running.cli("status").split())

    lever.unarchive(opportunity)
    eventually(lambda: _assert_status(link, "withdrawn"), what="the packet to be withdrawn")

    def told() -> None:
        for admin in EMPLOYEE_ADMINS:
            got = running.mail.to(admin, WITHDRAWN)
            assert len(got) == 1 and "paula@example.com had already marked it as entered" in body(got[0])

    eventually(told, what="the admins to hear of the withdrawal")
    assert post(link, "reviewed").status_code == 200
    assert review(link)["status"] == "withdrawn"
    assert "remove them if they were added" in httpx2.get(link, timeout=10).text
    assert running.status()["awaited"]["reviewed"] == 0 and running.status()["overdue"] == 0


def _refused(database_url: str) -> bool:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT refused FROM oauth_tokens WHERE connection = 'justworks:main'").fetchone()
    return bool(row and row[0])


def _assert_parked(database_url: str, opportunity: str) -> None:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT last_error FROM effects"
            " WHERE subject_id = %s AND kind = 'justworks_packet' AND state = 'failed'",
            (opportunity,),
        ).fetchall()
    assert rows, "the packet is not parked"


def _assert_status(link: str, status: str) -> None:
    assert review(link)["status"] == status


def test_a_refused_refresh_token_is_visible_with_what_to_run_then_repaired(
    running: Running, lever: Recruiter
) -> None:
    # 31 days later at Justworks: the access token expired, and the refresh token with it (30 days).
    httpx2.post(f"{running.justworks}/_sim/clock", json={"advance_seconds": 31 * 86400}, timeout=10)
    opportunity = lever.create("Dee Ek")
    lever.offer(
        opportunity, salary_amount=90000, salary_interval="per-year-salary", anticipated_start_date=START
    )
    lever.move(opportunity, "Phone Screen", "Onsite", "Offer")  # offers are read in the Offer stage
    lever.archive(opportunity, "Hired")

    def refused() -> dict[str, Any]:
        assert _refused(running.env["HIREBRIDGE_DATABASE_URL"])  # polled in the store, then shown
        grant = running.status()["oauth"]
        assert grant["state"] == "refused", grant
        return grant

    grant = eventually(refused, what="the refused grant in status")
    assert "hirebridge connections connect justworks:main" in grant["refused"]
    printed = " ".join(running.cli("status").split())
    assert "oauth: refused" in printed and "connect justworks:main" in printed
    # The members poll may be the first to meet the refusal: no email means something only once the
    # hire's packet itself was tried and parked.
    eventually(
        lambda: _assert_parked(running.env["HIREBRIDGE_DATABASE_URL"], opportunity), what="the packet parked"
    )
    assert running.mail.to("paula@example.com", HIRED) == []

    assert "is connected" in connect_justworks(DEMO_CONFIG, running.env, cli=True)
    assert running.status()["oauth"]["state"] == "connected"
    running.cli("replay", "--all-failed")
    assert review(review_links(running.mail)["paula@example.com"])["status"] == "awaiting_review"
    assert opportunity
