"""The Webhooks Subscription API. The signature token is returned only when a webhook is created."""

from __future__ import annotations

import copy
import secrets

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from hirebridge.sims.lever import views
from hirebridge.sims.lever.errors import bad_request
from hirebridge.sims.lever.sim import sim_of
from hirebridge.sims.lever.store import Record, new_id

router = APIRouter(prefix="/v1")
EVENTS = (
    "applicationCreated",
    "candidateHired",
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateDeleted",
    "interviewCreated",
    "interviewUpdated",
    "interviewDeleted",
    "contactCreated",
    "contactUpdated",
)
ORIGINS = {"applied", "sourced", "referred", "university", "agency", "internal"}


def public(webhook: Record) -> Record:
    shown = copy.deepcopy(webhook)
    shown["configuration"].pop("signatureToken", None)
    return shown


def _configuration(raw: object, event: str) -> Record:
    if raw in (None, {}):
        return {}
    if not isinstance(raw, dict) or set(raw) - {"conditions"}:
        raise bad_request("configuration may only contain conditions")
    origins = raw.get("conditions", {}).get("origins")
    if origins is not None:
        if event not in (
            "applicationCreated",
            "candidateArchiveChange",
            "candidateHired",
            "candidateStageChange",
        ):
            raise bad_request(f"Origin conditions are not supported for {event}")
        if not isinstance(origins, list) or set(origins) - ORIGINS:
            raise bad_request("Invalid origins condition")
    return copy.deepcopy(raw)


@router.get("/webhooks")
async def list_webhooks(request: Request) -> Record:
    hooks = sim_of(request).store.webhooks.values()
    return {"data": [public(w) for w in hooks], "hasNext": False}


@router.post("/webhooks")
async def create_webhook(request: Request) -> JSONResponse:
    sim = sim_of(request)
    body = await views.json_body(request)
    event = body.get("event")
    if event not in EVENTS:
        raise bad_request(f"Missing or invalid field: event ({event})")
    now = sim.clock.now()
    configuration = _configuration(body.get("configuration"), event)
    configuration["signatureToken"] = secrets.token_hex(24)
    webhook = {
        "id": new_id(),
        "url": sim.webhook_settings.check_url(body.get("url")),
        "event": event,
        "createdAt": now,
        "updatedAt": now,
        "configuration": configuration,
    }
    sim.store.webhooks[webhook["id"]] = webhook
    sim.store.api_webhooks.add(webhook["id"])
    return JSONResponse(views.one(copy.deepcopy(webhook)), status_code=201)


@router.put("/webhooks")
async def update_webhooks(request: Request) -> Record:
    sim = sim_of(request)
    body = await views.json_body(request)
    items = body.get("data")
    if not isinstance(items, list) or not items:
        raise bad_request('Body must be {"data": [webhook, ...]}')
    updated = []
    for item in items:
        webhook = sim.store.get("webhooks", sim.store.webhooks, item.get("id", ""))
        token = webhook["configuration"].get("signatureToken")
        if "url" in item:
            webhook["url"] = sim.webhook_settings.check_url(item["url"])
        if "configuration" in item:
            webhook["configuration"] = {
                **_configuration(item["configuration"], webhook["event"]),
                "signatureToken": token,
            }
        webhook["updatedAt"] = sim.clock.now()
        updated.append(public(webhook))
    return {"data": updated, "hasNext": False}


@router.delete("/webhooks/{webhook_id}")
async def delete_webhook(request: Request, webhook_id: str) -> Response:
    store = sim_of(request).store
    store.get("webhooks", store.webhooks, webhook_id)
    del store.webhooks[webhook_id]
    store.api_webhooks.discard(webhook_id)
    return Response(status_code=204)
