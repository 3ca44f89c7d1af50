"""Requisitions: list, get, create, full-replace update, delete, and their links to postings."""

from __future__ import annotations

import copy

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from hirebridge.sims.lever import confidential, views
from hirebridge.sims.lever.errors import bad_request
from hirebridge.sims.lever.sim import sim_of
from hirebridge.sims.lever.store import Record, Store, new_id, requisition_record

router = APIRouter(prefix="/v1")
STATUSES = ("open", "onHold", "closed", "draft")
# Only changes to these fields move a requisition's updatedAt (Lever change log).
TRACKED = (
    "backfill",
    "compensationBand",
    "customFields",
    "employmentStatus",
    "headcountTotal",
    "hiringManager",
    "internalNotes",
    "location",
    "name",
    "owner",
    "requisitionCode",
    "status",
    "team",
    "department",
    "confidentiality",
    "timeToFillStartAt",
    "timeToFillEndAt",
)
TYPES: dict[str, tuple[type, ...]] = {
    "number": (int, float),
    "text": (str,),
    "date": (int,),
    "dropdown": (str,),
}


def _check_custom(store: Store, values: object) -> Record:
    if not isinstance(values, dict):
        raise bad_request("customFields must be an object")
    schema = {f["id"]: f for f in store.requisition_fields}
    for key, value in values.items():
        field = schema.get(key)
        if field is None:
            raise bad_request(f"Unknown requisition field: {key}")
        if value is None:
            continue
        if field["type"] == "object":
            subfields = {s["id"] for s in field.get("subfields", [])}
            if not isinstance(value, dict) or set(value) - subfields:
                raise bad_request(f"Invalid value for requisition field {key}")
        elif not isinstance(value, TYPES[field["type"]]) or isinstance(value, bool):
            raise bad_request(f"Invalid value for requisition field {key}: expected {field['type']}")
        elif field["type"] == "dropdown" and value not in {o["text"] for o in field.get("options", [])}:
            raise bad_request(f"Invalid option for requisition field {key}: {value}")
    missing = [
        f["id"] for f in store.requisition_fields if f.get("isRequired") and values.get(f["id"]) is None
    ]
    if missing:
        raise bad_request(f"Missing required requisition field: {missing[0]}")
    return dict(values)


def _validated(store: Store, body: Record) -> Record:
    for name in ("name", "requisitionCode", "headcountTotal"):
        if body.get(name) in (None, ""):
            raise bad_request(f"Missing required field: {name}")
    if body.get("status", "open") not in STATUSES:
        raise bad_request(f"Invalid status: {body.get('status')}")
    body = dict(body)
    body["customFields"] = _check_custom(store, body.get("customFields", {}))
    postings = body.pop("postingIds", body.pop("postings", []))
    for posting_id in postings:
        store.get("postings", store.postings, posting_id)
    body["postings"] = list(postings)
    return body


def _link(store: Store, requisition: Record, old_code: str | None = None) -> None:
    code = requisition["requisitionCode"]
    for posting in store.postings.values():
        codes = [c for c in posting["requisitionCodes"] if c not in (code, old_code)]
        if posting["id"] in requisition["postings"]:
            codes.append(code)
        posting["requisitionCodes"] = codes
        posting["reqCode"] = codes[0] if codes else None


@router.get("/requisitions")
async def list_requisitions(request: Request) -> Record:
    store = sim_of(request).store
    statuses, codes = views.multi(request, "status"), views.multi(request, "requisition_code")
    window = views.ms_param(request, "created_at_start"), views.ms_param(request, "created_at_end")
    found = [
        copy.deepcopy(r)
        for r in confidential.listed(request, list(store.requisitions.values()))
        if (not statuses or r["status"] in statuses)
        and (not codes or r["requisitionCode"] in codes)
        and views.in_window(r["createdAt"], *window)
    ]
    return views.page(request, found)


@router.get("/requisitions/{requisition_id}")
async def get_requisition(request: Request, requisition_id: str) -> Record:
    store = sim_of(request).store
    return views.one(copy.deepcopy(store.get("requisitions", store.requisitions, requisition_id)))


@router.post("/requisitions")
async def create_requisition(request: Request) -> JSONResponse:
    sim = sim_of(request)
    body = _validated(sim.store, await views.json_body(request))
    now = sim.clock.now()
    body.pop("id", None)
    body.pop("headcountHired", None)
    requisition = requisition_record(body, sim.actor(request), now)
    confidential.require_access(request, requisition)
    requisition["id"] = new_id()
    requisition["createdAt"] = requisition["updatedAt"] = requisition["timeToFillStartAt"] = now
    if requisition["status"] == "closed":
        requisition["closedAt"] = now
    sim.store.requisitions[requisition["id"]] = requisition
    _link(sim.store, requisition)
    return JSONResponse(views.one(copy.deepcopy(requisition)), status_code=201)


@router.put("/requisitions/{requisition_id}")
async def update_requisition(request: Request, requisition_id: str) -> Record:
    sim = sim_of(request)
    old = sim.store.get("requisitions", sim.store.requisitions, requisition_id)
    body = _validated(sim.store, await views.json_body(request))
    if body.get("status", "open") == "draft" and old["status"] != "draft":
        raise bad_request("A requisition cannot be moved back to draft")
    now = sim.clock.now()
    keep = {
        k: old[k]
        for k in ("id", "createdAt", "creator", "headcountHired", "offerIds", "approval", "closedAt")
    }
    fill_start = body.get("timeToFillStartAt", old["timeToFillStartAt"])
    new = requisition_record({**body, **keep, "timeToFillStartAt": fill_start}, old["creator"], now)
    if new["status"] == "closed" and old["status"] != "closed":
        new["closedAt"] = now
    elif new["status"] != "closed":
        new["closedAt"] = None
    changed = any(new.get(f) != old.get(f) for f in TRACKED)
    new["updatedAt"] = now if changed else old["updatedAt"]
    sim.store.requisitions[requisition_id] = new
    _link(sim.store, new, old["requisitionCode"])
    return views.one(copy.deepcopy(new))


@router.delete("/requisitions/{requisition_id}")
async def delete_requisition(request: Request, requisition_id: str) -> Response:
    store = sim_of(request).store
    requisition = store.get("requisitions", store.requisitions, requisition_id)
    del store.requisitions[requisition_id]
    requisition["postings"] = []
    _link(store, requisition)
    return Response(status_code=204)
