"""Notes and feedback on an opportunity."""

from __future__ import annotations

import copy

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from hirebridge.sims.lever import views
from hirebridge.sims.lever.errors import LeverError, bad_request, not_found
from hirebridge.sims.lever.sim import sim_of
from hirebridge.sims.lever.store import Record, new_id

router = APIRouter(prefix="/v1/opportunities/{opportunity_id}")


def _comment(body: Record, stage: str, user: str | None, now: int) -> Record:
    value, score = body.get("value"), body.get("score")
    if not isinstance(value, str) or not value:
        raise bad_request("Missing required field: value")
    if score is not None and score not in (1, 2, 3, 4):
        raise bad_request("score must be 1, 2, 3 or 4")
    created = int(body.get("createdAt") or now)
    if created > now:
        raise bad_request("createdAt cannot be in the future")
    return {
        "createdAt": created,
        "score": score,
        "stage": stage,
        "text": "Comment",
        "type": "note",
        "user": user,
        "value": value,
    }


def _note(notes: list[Record], note_id: str) -> Record:
    found = next((n for n in notes if n["id"] == note_id), None)
    if found is None:
        raise not_found("notes", note_id)
    return found


@router.get("/notes")
async def list_notes(request: Request, opportunity_id: str) -> Record:
    store = sim_of(request).store
    store.opportunity(opportunity_id)
    return views.page(request, store, copy.deepcopy(store.notes.get(opportunity_id, [])))


@router.get("/notes/{note_id}")
async def get_note(request: Request, opportunity_id: str, note_id: str) -> Record:
    store = sim_of(request).store
    store.opportunity(opportunity_id)
    return views.one(copy.deepcopy(_note(store.notes.get(opportunity_id, []), note_id)))


@router.post("/notes")
async def create_note(request: Request, opportunity_id: str) -> JSONResponse:
    sim = sim_of(request)
    opp, now = sim.store.opportunity(opportunity_id), sim.clock.now()
    user = sim.performer(request)
    body = await views.json_body(request)
    comment = _comment(body, opp["stage"], user, now)
    notes = sim.store.notes.setdefault(opportunity_id, [])
    thread = request.query_params.get("note_id")
    if thread:
        note = _note(notes, thread)
        note["fields"].append(comment)
    else:
        note = {
            "id": new_id(),
            "text": "Note",
            "fields": [comment],
            "user": user,
            "secret": bool(body.get("secret", False)),
            "completedAt": comment["createdAt"],
            "deletedAt": None,
            "createdAt": comment["createdAt"],
        }
        notes.append(note)
    # Only note updates (PUT) move the opportunity's updatedAt (Lever's API documentation, "Notes"); a
    # new note does not, so an integration writing notes does not see its own notes as changes in the
    # next sweep.
    return JSONResponse({"data": {**copy.deepcopy(note), "noteId": note["id"]}}, status_code=201)


@router.put("/notes/{note_id}")
async def update_note(request: Request, opportunity_id: str, note_id: str) -> Record:
    sim = sim_of(request)
    opp, now = sim.store.opportunity(opportunity_id), sim.clock.now()
    note = _note(sim.store.notes.get(opportunity_id, []), note_id)
    body = await views.json_body(request)
    values = body.get("values")
    if not isinstance(values, list) or not values:
        raise bad_request("Missing required field: values")
    note["fields"] = [_comment(v, opp["stage"], note["user"], now) for v in values]
    note["secret"] = bool(body.get("secret", note["secret"]))
    opp["updatedAt"] = now
    return {"data": {"noteId": note_id}}


@router.delete("/notes/{note_id}")
async def delete_note(request: Request, opportunity_id: str, note_id: str) -> Response:
    store = sim_of(request).store
    store.opportunity(opportunity_id)
    notes = store.notes.get(opportunity_id, [])
    notes.remove(_note(notes, note_id))
    return Response(status_code=204)


@router.get("/feedback")
async def list_feedback(request: Request, opportunity_id: str) -> Record:
    store = sim_of(request).store
    store.opportunity(opportunity_id)
    return views.page(request, store, copy.deepcopy(store.feedback.get(opportunity_id, [])))


@router.post("/feedback")
async def create_feedback(request: Request, opportunity_id: str) -> JSONResponse:
    sim = sim_of(request)
    store, now = sim.store, sim.clock.now()
    store.opportunity(opportunity_id)
    user = sim.performer(request, required=True)
    body = await views.json_body(request)
    template = store.get("feedback_templates", store.feedback_templates, body.get("baseTemplateId") or "")
    panel, interview = body.get("panel"), body.get("interview")
    if bool(panel) != bool(interview):
        raise bad_request("panel and interview must be given together")
    values = {v.get("id"): v.get("value") for v in body.get("fieldValues", [])}
    fields = copy.deepcopy(template["fields"])
    unknown = set(values) - {f["id"] for f in fields}
    if unknown:
        raise LeverError(400, f"Unknown feedback field: {sorted(map(str, unknown))[0]}")
    for field in fields:
        field["value"] = values.get(field["id"])
        field.setdefault("description", "")
    feedback = {
        "id": new_id(),
        "type": "interview",
        "text": template["text"],
        "instructions": template.get("instructions", ""),
        "fields": fields,
        "baseTemplateId": template["id"],
        "interview": interview,
        "panel": panel,
        "user": user,
        "createdAt": int(body.get("createdAt") or now),
        "updatedAt": now,
        "completedAt": body.get("completedAt", now),
        "deletedAt": None,
    }
    store.feedback.setdefault(opportunity_id, []).append(feedback)
    return JSONResponse(views.one(copy.deepcopy(feedback)), status_code=201)
