"""The emails the simulated Justworks sends itself, kept for assertions instead of delivered."""

from __future__ import annotations

from typing import Any

from hirebridge.sims.justworks.clock import iso
from hirebridge.sims.justworks.state import State

HIRED_SUBJECT = "A candidate has been hired in Lever!"


def _send(state: State, kind: str, to: str, subject: str, body: str, link: str, hire_id: str) -> None:
    state.outbox.append(
        {
            "id": state.next_id("eml"),
            "kind": kind,
            "to": to,
            "subject": subject,
            "body": body,
            "link": link,
            "pending_hire_id": hire_id,
            "sent_at": iso(state.clock.now()),
        }
    )


def review_link(base_url: str, hire_id: str) -> str:
    return f"{base_url.rstrip('/')}/_sim/review/{hire_id}"


def notify_admins(state: State, record: dict[str, Any], base_url: str) -> None:
    """One email per admin holding "Manage employees", as Justworks' ATS integration does."""
    name = f"{record['first_name']} {record['last_name']}"
    link = review_link(base_url, record["id"])
    for admin in state.admins:
        if "manage_employees" in admin["permissions"]:
            body = (
                f"Hi {admin['name'].split()[0]},\n\n{name} has been hired in Lever. Get Started to review "
                f"their information and invite them to {state.company['display_name']}:\n{link}\n"
            )
            _send(state, "admin_notification", admin["email"], HIRED_SUBJECT, body, link, record["id"])


def send_invitation(state: State, record: dict[str, Any], base_url: str) -> None:
    """The invitation the new hire receives; inviting also creates their (inactive) member."""
    record["member_id"] = state.add_member(
        {
            "given_name": record["first_name"],
            "family_name": record["last_name"],
            "email": record["work_email"],
            "home_email": record["home_email"],
            "type": record["member_type"],
            "job_title": record["title"],
            "department": (record["department"] or {}).get("name"),
            "office": (record["office"] or {}).get("name"),
            "manager_id": (record["manager"] or {}).get("member_id"),
            "start_date": record["start_date"],
            "pay": record["compensation"],
            "pay_frequency": "semimonthly" if record["exemption_status"] == "exempt" else "biweekly",
            "active": False,
            "date_added_to_justworks": state.clock.now().date().isoformat(),
        }
    )
    company = state.company["display_name"]
    note = f"\n\nA note from your admin: {record['invite']['note']}" if record["invite"]["note"] else ""
    body = (
        f"Hi {record['first_name']},\n\n{company} has invited you to Justworks. Set up your account "
        f"before your start date, {record['start_date']}.{note}\n"
    )
    to = record[record["invite"]["send_to"]]
    subject = f"You're invited to join {company} on Justworks"
    _send(state, "invitation", to, subject, body, review_link(base_url, record["id"]), record["id"])
