"""The real read surface: company (with departments and offices) and members."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from hirebridge.sims.justworks.bearer import require
from hirebridge.sims.justworks.errors import fail
from hirebridge.sims.justworks.pagination import page
from hirebridge.sims.justworks.state import sim

router = APIRouter()
UPDATED_OPS = {
    "updated_at": lambda a, b: a == b,
    "updated_at_gt": lambda a, b: a > b,
    "updated_at_gte": lambda a, b: a >= b,
    "updated_at_lt": lambda a, b: a < b,
    "updated_at_lte": lambda a, b: a <= b,
    "updated_at_ne": lambda a, b: a != b,
}
Grant = dict[str, Any]


@router.get("/v1/company")
async def company(
    request: Request, _: Annotated[Grant, Depends(require("company.basic:read"))]
) -> dict[str, Any]:
    state = sim(request)
    body = copy.deepcopy(state.company)
    defaults = {"tax_id": None, "addresses": [], "phones": [], "country_data": {"country": "US"}}
    created = min((m["created_at"] for m in state.members.values()), default=None)
    return {**defaults, "created_at": created, "updated_at": created, **body}


@router.get("/v1/members")
async def members(
    request: Request, _: Annotated[Grant, Depends(require("member.basic:read"))]
) -> dict[str, Any]:
    query = request.query_params
    items = list(sim(request).members.values())
    status = query.get("status")
    if status == "active":
        items = [m for m in items if m["active"]]
    elif status == "terminated":
        items = [m for m in items if m["employment_termination_date"]]
    elif status is not None:
        raise fail(400, "invalid_filter", "status must be one of: active, terminated", "status")
    for name, compare in UPDATED_OPS.items():
        if name in query:
            bound = _moment(query[name], name)
            items = [m for m in items if compare(_moment(m["updated_at"], name), bound)]
    return page(copy.deepcopy(items), query.get("cursor"), query.get("limit"))


def _moment(text: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(400, "invalid_filter", f"{name} must be an ISO-8601 date-time", name) from None
    if moment.tzinfo is None:
        raise fail(400, "invalid_filter", f"{name} must carry a time zone", name)
    return moment


@router.get("/v1/members/{member_id}")
async def member(
    request: Request, member_id: str, _: Annotated[Grant, Depends(require("member.basic:read"))]
) -> dict[str, Any]:
    found = sim(request).members.get(member_id)
    if found is None:
        raise fail(404, "not_found", f"no member {member_id}")
    return copy.deepcopy(found)
