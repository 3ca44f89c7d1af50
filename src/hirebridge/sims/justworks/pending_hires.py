"""The invented write surface (docs/sims/justworks.md, "Pending hires and admins"): pending hires, invite
and decline."""

from __future__ import annotations

import copy
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from hirebridge.sims.justworks.bearer import require
from hirebridge.sims.justworks.clock import iso
from hirebridge.sims.justworks.errors import ApiError, error, fail
from hirebridge.sims.justworks.outbox import notify_admins, send_invitation
from hirebridge.sims.justworks.packet import content, normalize
from hirebridge.sims.justworks.pagination import page
from hirebridge.sims.justworks.state import State, sim
from hirebridge.sims.justworks.validation import SEND_TO, validate_packet

router = APIRouter()
STATUSES = ("pending", "invited", "declined")
Grant = dict[str, Any]


async def _json(request: Request, optional: bool = False) -> Any:
    raw = await request.body()
    if optional and not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise fail(400, "invalid_json", "the request body is not valid JSON") from None


@router.post("/pending-hires", status_code=201)
async def create(
    request: Request, _: Annotated[Grant, Depends(require("pending_hires:write"))]
) -> JSONResponse:
    state = sim(request)
    body = await _json(request)
    errors = validate_packet(body, state.company, state.members, state.config.reject_hourly_exempt)
    if errors:
        raise ApiError(422, errors)
    packet = normalize(body, state.company)
    opportunity = packet["source_ref"]["opportunity_id"]
    for existing in state.pending_hires.values():
        if existing["source_ref"]["opportunity_id"] == opportunity:
            if content(existing) != content(packet):
                msg = f"a different pending hire exists for opportunity {opportunity}: {existing['id']}"
                raise fail(409, "duplicate_pending_hire", msg, "source_ref.opportunity_id")
            return JSONResponse(copy.deepcopy(existing), status_code=200)
    now = iso(state.clock.now())
    invite = body.get("invite") or {}
    record = {
        "id": state.next_id("ph"),
        "company_id": state.company["id"],
        "status": "pending",
        **packet,
        "invite": {"send_to": invite.get("send_to"), "sent_at": None, "note": invite.get("note")},
        "created_at": now, "updated_at": now, "invited_at": None, "declined_at": None,
        "decline_reason": None, "member_id": None,
    }  # fmt: skip
    state.pending_hires[record["id"]] = record
    if state.config.notify_admins_on_create:
        notify_admins(state, record, str(request.base_url))
    headers = {"Location": f"{request.url.path}/{record['id']}"}
    return JSONResponse(copy.deepcopy(record), status_code=201, headers=headers)


@router.get("/pending-hires")
async def listing(
    request: Request, _: Annotated[Grant, Depends(require("pending_hires:read"))]
) -> dict[str, Any]:
    query = request.query_params
    items = list(sim(request).pending_hires.values())
    if "status" in query:
        if query["status"] not in STATUSES:
            raise fail(400, "invalid_filter", "status must be one of: pending, invited, declined", "status")
        items = [h for h in items if h["status"] == query["status"]]
    if "opportunity_id" in query:
        items = [h for h in items if h["source_ref"]["opportunity_id"] == query["opportunity_id"]]
    return page(copy.deepcopy(items), query.get("cursor"), query.get("limit"))


def _find(state: State, hire_id: str) -> dict[str, Any]:
    record = state.pending_hires.get(hire_id)
    if record is None:
        raise fail(404, "not_found", f"no pending hire {hire_id}")
    return record


@router.get("/pending-hires/{hire_id}")
async def get(
    request: Request, hire_id: str, _: Annotated[Grant, Depends(require("pending_hires:read"))]
) -> dict[str, Any]:
    return copy.deepcopy(_find(sim(request), hire_id))


def _transition(record: dict[str, Any], target: str) -> None:
    if record["status"] != "pending":
        msg = f"a {record['status']} pending hire cannot become {target}"
        raise fail(409, "invalid_state_transition", msg, "status")


@router.post("/pending-hires/{hire_id}/invite")
async def invite(
    request: Request, hire_id: str, _: Annotated[Grant, Depends(require("pending_hires:write"))]
) -> dict[str, Any]:
    state = sim(request)
    record = _find(state, hire_id)
    body = await _json(request, optional=True)
    if not isinstance(body, dict) or set(body) - {"send_to", "note"}:
        raise fail(422, "invalid_body", "the body may hold only send_to and note")
    _transition(record, "invited")
    send_to = body.get("send_to") or record["invite"]["send_to"]
    send_to = send_to or ("work_email" if record["work_email"] else "home_email")
    errors = []
    if send_to not in SEND_TO:
        errors.append(error("send_to", "invalid_send_to", "send_to must be one of: work_email, home_email"))
    elif not record[send_to]:
        errors.append(error(send_to, "email_required", f"the pending hire has no {send_to} to invite"))
    if state.config.invite_requires_work_email and not record["work_email"]:
        errors.append(error("work_email", "work_email_required", "a work email is required to invite"))
    if body.get("note") is not None and not isinstance(body["note"], str):
        errors.append(error("note", "invalid_type", "note must be a string"))
    if errors:
        raise ApiError(422, errors)
    now = iso(state.clock.now())
    record["invite"] = {
        "send_to": send_to,
        "sent_at": now,
        "note": body.get("note", record["invite"]["note"]),
    }
    record.update(status="invited", invited_at=now, updated_at=now)
    send_invitation(state, record, str(request.base_url))
    return copy.deepcopy(record)


@router.post("/pending-hires/{hire_id}/decline")
async def decline(
    request: Request, hire_id: str, _: Annotated[Grant, Depends(require("pending_hires:write"))]
) -> dict[str, Any]:
    state = sim(request)
    record = _find(state, hire_id)
    body = await _json(request, optional=True)
    if not isinstance(body, dict) or set(body) - {"reason"}:
        raise fail(422, "invalid_body", "the body may hold only reason")
    if body.get("reason") is not None and not isinstance(body["reason"], str):
        raise fail(422, "invalid_type", "reason must be a string", "reason")
    _transition(record, "declined")
    now = iso(state.clock.now())
    record.update(status="declined", declined_at=now, updated_at=now, decline_reason=body.get("reason"))
    return copy.deepcopy(record)
