"""Profile edits: contacts, an opportunity's tags/sources/links, and applying to a posting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hirebridge.sims.lever import pipeline, views
from hirebridge.sims.lever.errors import LeverError, bad_request
from hirebridge.sims.lever.pipeline import Event
from hirebridge.sims.lever.sim import sim_of
from hirebridge.sims.lever.store import Record

router = APIRouter(prefix="/v1")
LISTS = {"Tags": ("tags", "tags"), "Sources": ("sources", "sources"), "Links": ("links", "links")}


@router.get("/contacts/{contact_id}")
async def get_contact(request: Request, contact_id: str) -> Record:
    store = sim_of(request).store
    store.get("contacts", store.contacts, contact_id)
    return views.one(views.contact(store, contact_id))


@router.put("/contacts/{contact_id}")
async def update_contact(request: Request, contact_id: str) -> Record:
    sim = sim_of(request)
    contact = sim.store.get("contacts", sim.store.contacts, contact_id)
    if contact["isAnonymized"]:
        raise LeverError(400, "Anonymized contacts cannot be updated")
    body, now = await views.json_body(request), sim.clock.now()
    for field in ("name", "headline", "emails", "phones"):
        if field in body:
            contact[field] = list(body[field]) if field in ("emails", "phones") else body[field]
    if "location" in body:
        contact["location"] = {"name": body["location"]}
    contact["updatedAt"] = now
    sim.store.index_contact(contact)
    for opp in sim.store.opportunities.values():
        if opp["contact"] == contact_id:
            opp["updatedAt"] = now
    sim.emit(
        [
            Event(
                "contactUpdated",
                {"contactId": contact_id, "accountId": sim.store.account["id"], "updatedAt": now},
            )
        ]
    )
    return views.one(views.contact(sim.store, contact_id))


async def _edit_list(request: Request, opportunity_id: str, verb: str, kind: str) -> Record:
    sim = sim_of(request)
    opp = sim.store.opportunity(opportunity_id)
    field, key = LISTS[kind]
    values = (await views.json_body(request)).get(key)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise bad_request(f"Missing required field: {key}")
    owner = sim.store.contacts[opp["contact"]] if field == "links" else opp
    current = owner[field]
    owner[field] = (
        list(dict.fromkeys(current + values)) if verb == "add" else [v for v in current if v not in values]
    )
    if owner[field] != current:
        opp["updatedAt"] = sim.clock.now()
    return views.one(views.opportunity(sim.store, opp))


def _list_route(verb: str, kind: str) -> Callable[[Request, str], Awaitable[Record]]:
    async def handler(request: Request, opportunity_id: str) -> Record:
        return await _edit_list(request, opportunity_id, verb, kind)

    return handler


for _verb in ("add", "remove"):
    for _kind in LISTS:
        router.add_api_route(
            f"/opportunities/{{opportunity_id}}/{_verb}{_kind}", _list_route(_verb, _kind), methods=["POST"]
        )


@router.post("/postings/{posting_id}/apply")
async def apply(request: Request, posting_id: str) -> JSONResponse:
    sim = sim_of(request)
    posting = sim.store.get("postings", sim.store.postings, posting_id)
    if posting["state"] not in ("published", "internal"):
        raise bad_request("Applications are accepted only for published or internal postings")
    body = await views.json_body(request)
    info = {item.get("name"): item.get("value") for item in body.get("personalInformation", [])}
    if not info.get("fullName") or not info.get("email"):
        raise bad_request("personalInformation needs fullName and email")
    origin = body.get("origin", "applied")
    if origin not in ("applied", "internal"):
        raise bad_request("origin must be applied or internal")
    candidate = {
        "name": info["fullName"],
        "emails": [info["email"]],
        "postings": [posting_id],
        "phones": [info["phone"]] if info.get("phone") else [],
        "origin": origin,
        "stage": "applicant-new",
        "sources": [body.get("source", "Job site")],
        "links": [u.get("value") for u in body.get("urls", []) if u.get("value")],
    }
    opp, events = pipeline.create(sim.store, candidate, sim.performer(request), sim.clock.now())
    opp["sourcedBy"] = None
    sim.emit(events)
    return JSONResponse({"data": {"applicationId": opp["applications"][0]}}, status_code=201)
