"""The admin's side of Justworks, which has no API: "Add a person", then Invite (now or later).

Served on the control API (`/_sim/people`), never under `/v1`, because the real Partner API writes no
members (https://public-api.justworks.com/v1/docs). Tests and the demo use it to act as the admin who
types a reviewed packet into the form. What it creates is an ordinary member, read back through `/v1/members`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hirebridge.sims.justworks.clock import iso
from hirebridge.sims.justworks.errors import ApiError, error, fail
from hirebridge.sims.justworks.form import normalize
from hirebridge.sims.justworks.outbox import send_invitation
from hirebridge.sims.justworks.state import State, sim
from hirebridge.sims.justworks.validation import validate_form

router = APIRouter(prefix="/_sim/people")


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise fail(400, "invalid_json", "the request body is not valid JSON") from None


def _invite(state: State, person: dict[str, Any], send_to: str | None) -> None:
    send_to = send_to or ("work_email" if person["work_email"] else "home_email")
    errors = []
    if not person[send_to]:
        errors.append(error(send_to, "email_required", f"there is no {send_to} to invite"))
    if state.config.invite_requires_work_email and not person["work_email"]:
        errors.append(error("work_email", "work_email_required", "a work email is required to invite"))
    if errors:
        raise ApiError(422, errors)
    now = iso(state.clock.now())
    person["invite"].update(send_to=send_to, sent_at=now)
    person["invited_at"] = now
    send_invitation(state, person)


@router.post("", status_code=201)
async def add_person(request: Request) -> JSONResponse:
    """Submit the form; `invite.when` "now" (the default) also sends the invitation."""
    state = sim(request)
    body = await _json(request)
    errors = validate_form(body, state.company, state.members, state.config.reject_hourly_exempt)
    if errors:
        raise ApiError(422, errors)
    form = normalize(body, state.company)
    invite = body.get("invite") or {}
    member_id = state.add_member(
        {
            "given_name": form["first_name"],
            "family_name": form["last_name"],
            "email": form["work_email"],
            "home_email": form["home_email"],
            "type": form["member_type"],
            "job_title": form["title"],
            "department": (form["department"] or {}).get("name"),
            "office": (form["office"] or {}).get("name"),
            "manager_id": (form["manager"] or {}).get("member_id"),
            "start_date": form["start_date"],
            "pay": form["compensation"],
            "pay_frequency": "semimonthly" if form["exemption_status"] == "exempt" else "biweekly",
            "active": False,  # invented: not yet started (see docs/sims/justworks.md)
            "date_added_to_justworks": state.clock.now().date().isoformat(),
        }
    )
    person = {
        "member_id": member_id,
        **form,
        "invite": {"send_to": invite.get("send_to"), "note": invite.get("note"), "sent_at": None},
        "added_at": iso(state.clock.now()),
        "invited_at": None,
    }
    if invite.get("when", "now") == "now":
        try:
            _invite(state, person, invite.get("send_to"))
        except ApiError:
            del state.members[member_id]
            raise
    state.people[member_id] = person
    return JSONResponse(copy.deepcopy(person), status_code=201)


@router.post("/{member_id}/invite")
async def invite_later(request: Request, member_id: str) -> dict[str, Any]:
    """ "Send invitation" for someone in "Added but not invited"."""
    state = sim(request)
    person = state.people.get(member_id)
    if person is None:
        raise fail(404, "not_found", f"no added person {member_id}")
    if person["invited_at"]:
        raise fail(409, "already_invited", f"{member_id} was invited at {person['invited_at']}")
    raw = await request.body()
    body = json.loads(raw) if raw.strip() else {}
    _invite(state, person, body.get("send_to") if isinstance(body, dict) else None)
    return copy.deepcopy(person)


@router.get("")
async def people(request: Request) -> dict[str, Any]:
    return {"items": copy.deepcopy(list(sim(request).people.values()))}
