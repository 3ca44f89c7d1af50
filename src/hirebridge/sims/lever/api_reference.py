"""Account reference data: users, stages, archive reasons, postings, requisition fields."""

from __future__ import annotations

import copy

from fastapi import APIRouter, Request

from hirebridge.sims.lever import confidential, views
from hirebridge.sims.lever.errors import bad_request
from hirebridge.sims.lever.pipeline import canonical_email
from hirebridge.sims.lever.sim import sim_of
from hirebridge.sims.lever.store import Record

router = APIRouter(prefix="/v1")
POSTING_EXPANDS = ("user", "owner", "hiringManager", "followers")


@router.get("/users")
async def list_users(request: Request) -> Record:
    store = sim_of(request).store
    emails = {canonical_email(e) for e in views.multi(request, "email")}
    roles = set(views.multi(request, "accessRole"))
    deactivated = request.query_params.get("includeDeactivated") == "true"
    users = [
        copy.deepcopy(u)
        for u in store.users.values()
        if (not emails or canonical_email(u["email"]) in emails)
        and (not roles or u["accessRole"] in roles)
        and (deactivated or u["deactivatedAt"] is None)
    ]
    return views.page(request, users)


@router.get("/users/{user_id}")
async def get_user(request: Request, user_id: str) -> Record:
    return views.one(copy.deepcopy(sim_of(request).store.user(user_id)))


@router.get("/stages")
async def list_stages(request: Request) -> Record:
    return {"data": copy.deepcopy(sim_of(request).store.stages), "hasNext": False}


@router.get("/stages/{stage_id}")
async def get_stage(request: Request, stage_id: str) -> Record:
    return views.one(copy.deepcopy(sim_of(request).store.stage(stage_id)))


@router.get("/archive_reasons")
async def list_archive_reasons(request: Request) -> Record:
    kind = request.query_params.get("type")
    if kind not in (None, "hired", "non-hired"):
        raise bad_request(f"Invalid value for type: {kind}")
    reasons = sim_of(request).store.archive_reasons.values()
    return {
        "data": [copy.deepcopy(r) for r in reasons if kind is None or r["type"] == kind],
        "hasNext": False,
    }


@router.get("/archive_reasons/{reason_id}")
async def get_archive_reason(request: Request, reason_id: str) -> Record:
    store = sim_of(request).store
    return views.one(copy.deepcopy(store.get("archive_reasons", store.archive_reasons, reason_id)))


def _posting_matches(request: Request, posting: Record) -> bool:
    q = request.query_params
    states = views.multi(request, "state")
    if states and posting["state"] not in states:
        return False
    channel = q.get("distributionChannel")
    if channel and channel not in posting["distributionChannels"]:
        return False
    for field in ("team", "department", "location", "commitment", "level"):
        wanted = views.multi(request, field)
        if wanted and posting["categories"].get(field) not in wanted:
            return False
    tags = views.multi(request, "tag")
    if tags and not set(tags) & set(posting["tags"]):
        return False
    start, end = views.ms_param(request, "updated_at_start"), views.ms_param(request, "updated_at_end")
    return views.in_window(posting["updatedAt"], start, end)


@router.get("/postings")
async def list_postings(request: Request) -> Record:
    store = sim_of(request).store
    postings = [
        views.shape(request, lambda p=p: copy.deepcopy(p), store, POSTING_EXPANDS)
        for p in confidential.listed(request, list(store.postings.values()))
        if _posting_matches(request, p)
    ]
    return views.page(request, postings)


@router.get("/postings/{posting_id}")
async def get_posting(request: Request, posting_id: str) -> Record:
    store = sim_of(request).store
    posting = store.get("postings", store.postings, posting_id)
    return views.one(views.shape(request, lambda: copy.deepcopy(posting), store, POSTING_EXPANDS))


@router.get("/requisition_fields")
async def list_requisition_fields(request: Request) -> Record:
    return {"data": copy.deepcopy(sim_of(request).store.requisition_fields), "hasNext": False}


@router.get("/feedback_templates")
async def list_feedback_templates(request: Request) -> Record:
    return {"data": copy.deepcopy(list(sim_of(request).store.feedback_templates.values())), "hasNext": False}
