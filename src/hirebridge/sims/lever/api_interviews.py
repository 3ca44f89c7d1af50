"""Interview panels and interviews (writable only on externally managed panels), and read-only offers."""

from __future__ import annotations

import copy

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from hirebridge.sims.lever import views
from hirebridge.sims.lever.errors import LeverError, bad_request, not_found
from hirebridge.sims.lever.pipeline import Event
from hirebridge.sims.lever.sim import Sim, sim_of
from hirebridge.sims.lever.store import Record, Store, new_id

router = APIRouter(prefix="/v1/opportunities/{opportunity_id}")
REMINDERS = ("once", "daily", "frequently", "none")


def _interview(store: Store, opp: Record, panel: Record, raw: Record, user: str | None, now: int) -> Record:
    people = raw.get("interviewers")
    if not isinstance(people, list) or not people:
        raise bad_request("At least one interviewer is required")
    if (
        not isinstance(raw.get("date"), int)
        or not isinstance(raw.get("duration"), int)
        or raw["duration"] < 1
    ):
        raise bad_request("date (ms) and duration (minutes, >= 1) are required")
    reminder = raw.get("feedbackReminder", "frequently")
    if reminder not in REMINDERS:
        raise bad_request(f"Invalid feedbackReminder: {reminder}")
    interviewers = []
    for person in people:
        found = store.users.get(person.get("id", "")) or {}
        if not found:
            raise bad_request(f"Interviewer {person.get('id')} was not found")
        template = person.get("feedbackTemplate", raw.get("feedbackTemplate"))
        interviewers.append(
            {"id": found["id"], "email": found["email"], "name": found["name"], "feedbackTemplate": template}
        )
    postings = [
        store.applications[a]["posting"] for a in opp["applications"] if store.applications[a]["posting"]
    ]
    return {
        "id": raw.get("id") or new_id(),
        "panel": panel["id"],
        "subject": raw.get("subject", ""),
        "note": raw.get("note", ""),
        "interviewers": interviewers,
        "timezone": panel["timezone"],
        "createdAt": raw.get("createdAt", now),
        "date": raw["date"],
        "duration": raw["duration"],
        "location": raw.get("location"),
        "feedbackTemplate": raw.get("feedbackTemplate"),
        "feedbackForms": [],
        "feedbackReminder": reminder,
        "user": user,
        "stage": opp["stage"],
        "canceledAt": None,
        "postings": postings,
        "gcalEventUrl": None,
    }


def _span(panel: Record) -> None:
    interviews = panel["interviews"]
    panel["start"] = min(i["date"] for i in interviews) if interviews else None
    panel["end"] = max(i["date"] + i["duration"] * 60_000 for i in interviews) if interviews else None


def _event(name: str, interview: Record, opp: Record, stamp: str, now: int) -> Event:
    data = {
        "interviewId": interview["id"],
        "panelId": interview["panel"],
        "opportunityId": opp["id"],
        stamp: now,
    }
    return Event(name, data, opp["origin"])


def build_panel(sim: Sim, opp: Record, body: Record, user: str | None, managed: bool) -> list[Event]:
    now = sim.clock.now()
    if not body.get("timezone") or not body.get("interviews"):
        raise bad_request("timezone and a non-empty interviews list are required")
    if body.get("applications") == []:
        raise bad_request("applications cannot be empty")
    panel = {
        "id": new_id(),
        "applications": body.get("applications") or list(opp["applications"]),
        "canceledAt": None,
        "createdAt": now,
        "start": None,
        "end": None,
        "timezone": body["timezone"],
        "feedbackReminder": body.get("feedbackReminder", "daily"),
        "user": user,
        "stage": opp["stage"],
        "note": body.get("note", ""),
        "externallyManaged": managed,
        "externalUrl": body.get("externalUrl"),
        "interviews": [],
    }
    panel["interviews"] = [_interview(sim.store, opp, panel, raw, user, now) for raw in body["interviews"]]
    _span(panel)
    sim.store.panels.setdefault(opp["id"], []).append(panel)
    return [_event("interviewCreated", i, opp, "createdAt", now) for i in panel["interviews"]]


def _panel(store: Store, opp_id: str, panel_id: str, write: bool = False) -> Record:
    panel = next((p for p in store.panels.get(opp_id, []) if p["id"] == panel_id), None)
    if panel is None:
        raise not_found("panels", panel_id)
    if write and not panel["externallyManaged"]:
        raise LeverError(403, "Only externally managed panels can be changed through the API")
    return panel


@router.get("/panels")
async def list_panels(request: Request, opportunity_id: str) -> Record:
    store = sim_of(request).store
    store.opportunity(opportunity_id)
    return views.page(request, copy.deepcopy(store.panels.get(opportunity_id, [])))


@router.post("/panels")
async def create_panel(request: Request, opportunity_id: str) -> JSONResponse:
    sim = sim_of(request)
    opp = sim.store.opportunity(opportunity_id)
    user = sim.performer(request, required=True)
    body = await views.json_body(request)
    events = build_panel(sim, opp, body, user, managed=True)
    sim.emit(events)
    return JSONResponse(views.one(copy.deepcopy(sim.store.panels[opportunity_id][-1])), status_code=201)


@router.get("/interviews")
async def list_interviews(request: Request, opportunity_id: str) -> Record:
    store = sim_of(request).store
    store.opportunity(opportunity_id)
    interviews = [copy.deepcopy(i) for p in store.panels.get(opportunity_id, []) for i in p["interviews"]]
    return views.page(request, interviews)


@router.post("/interviews")
async def create_interview(request: Request, opportunity_id: str) -> JSONResponse:
    sim = sim_of(request)
    opp, now = sim.store.opportunity(opportunity_id), sim.clock.now()
    user = sim.performer(request, required=True)
    body = await views.json_body(request)
    panel = _panel(sim.store, opportunity_id, body.get("panel") or "", write=True)
    interview = _interview(sim.store, opp, panel, {k: v for k, v in body.items() if k != "id"}, user, now)
    panel["interviews"].append(interview)
    _span(panel)
    sim.emit([_event("interviewCreated", interview, opp, "createdAt", now)])
    return JSONResponse(views.one(copy.deepcopy(interview)), status_code=201)


def _find(store: Store, opp_id: str, interview_id: str) -> tuple[Record, Record]:
    for panel in store.panels.get(opp_id, []):
        for interview in panel["interviews"]:
            if interview["id"] == interview_id:
                return panel, interview
    raise not_found("interviews", interview_id)


@router.put("/interviews/{interview_id}")
async def update_interview(request: Request, opportunity_id: str, interview_id: str) -> Record:
    sim = sim_of(request)
    opp, now = sim.store.opportunity(opportunity_id), sim.clock.now()
    user = sim.performer(request, required=True)
    panel, old = _find(sim.store, opportunity_id, interview_id)
    _panel(sim.store, opportunity_id, panel["id"], write=True)
    body = await views.json_body(request)
    new = _interview(
        sim.store, opp, panel, {**body, "id": interview_id, "createdAt": old["createdAt"]}, user, now
    )
    panel["interviews"][panel["interviews"].index(old)] = new
    _span(panel)
    sim.emit([_event("interviewUpdated", new, opp, "updatedAt", now)])
    return views.one(copy.deepcopy(new))


@router.delete("/interviews/{interview_id}")
async def delete_interview(request: Request, opportunity_id: str, interview_id: str) -> Response:
    sim = sim_of(request)
    opp, now = sim.store.opportunity(opportunity_id), sim.clock.now()
    sim.performer(request, required=True)
    panel, interview = _find(sim.store, opportunity_id, interview_id)
    _panel(sim.store, opportunity_id, panel["id"], write=True)
    panel["interviews"].remove(interview)
    # Deleting the last interview of a panel deletes the panel.
    if not panel["interviews"]:
        sim.store.panels[opportunity_id].remove(panel)
    _span(panel)
    sim.emit([_event("interviewDeleted", interview, opp, "deletedAt", now)])
    return Response(status_code=204)


@router.get("/offers")
async def list_offers(request: Request, opportunity_id: str) -> Record:
    store = sim_of(request).store
    store.opportunity(opportunity_id)
    offers = [
        views.shape(request, lambda o=o: copy.deepcopy(o), store, ("creator",))
        for o in store.offers.get(opportunity_id, [])
    ]
    return views.page(request, offers)
