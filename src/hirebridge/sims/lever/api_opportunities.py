"""Opportunities: list with Lever's filters, get, create, stage and archive changes, deleted list."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hirebridge.sims.lever import confidential, pipeline, views
from hirebridge.sims.lever.errors import bad_request
from hirebridge.sims.lever.pipeline import canonical_email
from hirebridge.sims.lever.sim import sim_of
from hirebridge.sims.lever.store import Record, Store

router = APIRouter(prefix="/v1")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WINDOWS = {
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "advanced_at": "lastAdvancedAt",
}


def _flag(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw not in ("true", "false"):
        raise bad_request(f"Invalid value for {name}: {raw}")
    return raw == "true"


def _filter(request: Request, store: Store) -> list[Record]:
    emails = views.multi(request, "email")
    for email in emails:
        if not EMAIL.match(email.strip()):
            raise bad_request("Email address is not valid")
    wanted = {canonical_email(e) for e in emails}
    lists = {
        name: set(views.multi(request, name))
        for name in ("stage_id", "posting_id", "contact_id", "tag", "origin", "source", "archive_reason_id")
    }
    archived = _flag(request, "archived")
    windows = {
        field: (views.ms_param(request, f"{name}_start"), views.ms_param(request, f"{name}_end"))
        for name, field in WINDOWS.items()
    }
    archived_window = views.ms_param(request, "archived_at_start"), views.ms_param(request, "archived_at_end")
    found = []
    for opp in confidential.listed(request, list(store.opportunities.values())):
        contact = store.contacts[opp["contact"]]
        postings = {store.applications[a]["posting"] for a in opp["applications"]}
        reason = opp["archived"]["reason"] if opp["archived"] else None
        archived_at = opp["archived"]["archivedAt"] if opp["archived"] else None
        checks = [
            not wanted or bool(wanted & {canonical_email(e) for e in contact["emails"]}),
            not lists["stage_id"] or opp["stage"] in lists["stage_id"],
            not lists["posting_id"] or bool(lists["posting_id"] & postings),
            not lists["contact_id"] or opp["contact"] in lists["contact_id"],
            not lists["tag"] or bool(lists["tag"] & set(opp["tags"])),
            not lists["origin"] or opp["origin"] in lists["origin"],
            not lists["source"] or bool(lists["source"] & set(opp["sources"])),
            not lists["archive_reason_id"] or reason in lists["archive_reason_id"],
            archived is None or archived == (opp["archived"] is not None),
            views.in_window(archived_at, *archived_window),
            *(views.in_window(opp[field], *window) for field, window in windows.items()),
        ]
        if all(checks):
            found.append(opp)
    return found


def _render(request: Request, store: Store, opp: Record) -> Record:
    return views.shape(request, lambda: views.opportunity(store, opp), store, views.OPPORTUNITY_EXPANDS)


@router.get("/opportunities")
async def list_opportunities(request: Request) -> Record:
    store = sim_of(request).store
    body = views.page(request, _filter(request, store))
    body["data"] = [_render(request, store, opp) for opp in body["data"]]
    return body


@router.get("/opportunities/deleted")
async def list_deleted(request: Request) -> Record:
    store = sim_of(request).store
    window = views.ms_param(request, "deleted_at_start"), views.ms_param(request, "deleted_at_end")
    deleted = [dict(d) for d in store.deleted if views.in_window(d["deletedAt"], *window)]
    return views.page(request, deleted, stamp="deletedAt")


@router.get("/applications/deleted")
async def list_deleted_applications(request: Request) -> Record:
    store = sim_of(request).store
    window = views.ms_param(request, "deleted_at_start"), views.ms_param(request, "deleted_at_end")
    deleted = [dict(d) for d in store.deleted_applications if views.in_window(d["deletedAt"], *window)]
    return views.page(request, deleted, stamp="deletedAt")


@router.get("/opportunities/{opportunity_id}")
async def get_opportunity(request: Request, opportunity_id: str) -> Record:
    store = sim_of(request).store
    return views.one(_render(request, store, store.opportunity(opportunity_id)))


@router.post("/opportunities")
async def create_opportunity(request: Request) -> JSONResponse:
    sim = sim_of(request)
    performer = sim.performer(request, required=True)
    body = await views.json_body(request)
    postings = body.get("postings")
    if isinstance(postings, list) and postings and isinstance(postings[0], str):
        confidential.require_access(request, sim.store.postings.get(postings[0]))
    opp, events = pipeline.create(sim.store, body, performer, sim.clock.now())
    sim.emit(events)
    return JSONResponse(views.one(_render(request, sim.store, opp)), status_code=201)


@router.put("/opportunities/{opportunity_id}/stage")
async def change_stage(request: Request, opportunity_id: str) -> Record:
    sim = sim_of(request)
    opp = sim.store.opportunity(opportunity_id)
    body = await views.json_body(request)
    if not isinstance(body.get("stage"), str):
        raise bad_request("Missing required field: stage")
    sim.emit(pipeline.move(sim.store, opp, body["stage"], sim.actor(request), sim.clock.now()))
    return views.one(_render(request, sim.store, opp))


@router.put("/opportunities/{opportunity_id}/archived")
async def change_archived(request: Request, opportunity_id: str) -> Record:
    sim = sim_of(request)
    opp = sim.store.opportunity(opportunity_id)
    body = await views.json_body(request)
    if "reason" not in body:
        raise bad_request("Missing required field: reason")
    requisition = body.get("requisitionId")
    sim.emit(pipeline.archive(sim.store, opp, body["reason"], requisition, sim.clock.now()))
    return views.one(_render(request, sim.store, opp))
