"""The emails the simulated Justworks sends itself, kept for assertions instead of delivered."""

from __future__ import annotations

from typing import Any

from hirebridge.sims.justworks.clock import iso
from hirebridge.sims.justworks.state import State


def send_invitation(state: State, person: dict[str, Any]) -> None:
    """The invitation the new member receives when the admin clicks Invite."""
    company = state.company["display_name"]
    invite = person["invite"]
    note = f"\n\nA note from your admin: {invite['note']}" if invite["note"] else ""
    body = (
        f"Hi {person['first_name']},\n\n{company} has invited you to Justworks. Set up your account "
        f"before your start date, {person['start_date']}.{note}\n"
    )
    state.outbox.append(
        {
            "id": state.next_id("eml"),
            "kind": "invitation",
            "to": person[invite["send_to"]],
            "subject": f"You're invited to join {company} on Justworks",
            "body": body,
            "member_id": person["member_id"],
            "sent_at": iso(state.clock.now()),
        }
    )
