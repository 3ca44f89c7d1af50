"""The control API under `/_sim`: seeding, reset, clock, faults, delivery history, request log. No auth."""

from __future__ import annotations

import copy
import dataclasses

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from hirebridge.sims.lever import offers, pipeline, views
from hirebridge.sims.lever.api_interviews import build_panel
from hirebridge.sims.lever.api_webhooks import EVENTS
from hirebridge.sims.lever.errors import bad_request, not_found
from hirebridge.sims.lever.sim import sim_of
from hirebridge.sims.lever.store import Record

router = APIRouter(prefix="/_sim")


@router.post("/reset")
async def reset(request: Request) -> Record:
    body = await views.json_body(request)
    sim_of(request).reset(keep_webhooks=bool(body.get("keep_webhooks", False)))
    return {"ok": True}


@router.get("/state")
async def state(request: Request) -> Record:
    return copy.deepcopy(sim_of(request).state())


@router.get("/seed")
async def get_seed(request: Request) -> Record:
    return copy.deepcopy(sim_of(request).seed)


@router.post("/seed")
async def replace_seed(request: Request) -> Record:
    body = await views.json_body(request)
    if "stages" not in body:
        raise bad_request("A seed needs at least `stages`")
    sim = sim_of(request)
    previous = sim.seed
    try:
        sim.reset(seed=body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        sim.reset(seed=previous)
        raise bad_request(f"Invalid seed: missing or malformed {exc}") from None
    return {"ok": True}


@router.post("/offers")
async def attach_offer(request: Request) -> JSONResponse:
    sim = sim_of(request)
    body = await views.json_body(request)
    opp = sim.store.opportunity(body.get("opportunityId") or "")
    offer = offers.attach(sim.store, opp, body, sim.clock.now())
    return JSONResponse(views.one(copy.deepcopy(offer)), status_code=201)


@router.post("/panels")
async def add_panel(request: Request) -> JSONResponse:
    sim = sim_of(request)
    body = await views.json_body(request)
    opp = sim.store.opportunity(body.get("opportunityId") or "")
    managed = bool(body.get("externallyManaged", False))
    sim.emit(build_panel(sim, opp, body, body.get("user", opp["owner"]), managed=managed))
    return JSONResponse(views.one(copy.deepcopy(sim.store.panels[opp["id"]][-1])), status_code=201)


@router.delete("/opportunities/{opportunity_id}")
async def delete_opportunity(request: Request, opportunity_id: str) -> Response:
    sim = sim_of(request)
    opp = sim.store.opportunity(opportunity_id)
    deleted_by = request.query_params.get("deleted_by") or opp["owner"]
    sim.emit(pipeline.delete(sim.store, opp, deleted_by, sim.clock.now()))
    return Response(status_code=204)


@router.get("/clock")
async def get_clock(request: Request) -> Record:
    clock = sim_of(request).clock
    return {"now": clock.now(), "offsetMs": clock.offset_ms}


@router.post("/clock")
async def move_clock(request: Request) -> Record:
    clock = sim_of(request).clock
    body = await views.json_body(request)
    if "now_ms" in body:
        clock.set(int(body["now_ms"]))
    elif isinstance(body.get("advance_seconds"), int | float) and body["advance_seconds"] >= 0:
        clock.advance(body["advance_seconds"])
    else:
        raise bad_request("Give advance_seconds (>= 0) or now_ms")
    return {"now": clock.now(), "offsetMs": clock.offset_ms}


@router.get("/faults")
async def get_faults(request: Request) -> Record:
    return sim_of(request).faults.as_dict()


@router.post("/faults")
async def set_faults(request: Request) -> Record:
    sim = sim_of(request)
    body = await views.json_body(request)
    seed = body.pop("random_seed", None)
    sim.faults.update(body)
    if seed is not None:
        sim.rng.seed(seed)
    sim.limiter.clear()
    return sim.faults.as_dict()


@router.delete("/faults")
async def clear_faults(request: Request) -> Record:
    sim = sim_of(request)
    sim.faults.clear()
    sim.limiter.clear()
    return sim.faults.as_dict()


@router.get("/webhook_settings")
async def get_webhook_settings(request: Request) -> Record:
    return sim_of(request).webhook_settings.as_dict()


@router.post("/webhook_settings")
async def set_webhook_settings(request: Request) -> Record:
    settings = sim_of(request).webhook_settings
    settings.update(await views.json_body(request), EVENTS)
    return settings.as_dict()


@router.get("/config")
async def get_config(request: Request) -> Record:
    return dataclasses.asdict(sim_of(request).settings)


COUNTS = ("webhook_retries", "webhook_concurrency")  # settings that are whole numbers


@router.post("/config")
async def set_config(request: Request) -> Record:
    settings = sim_of(request).settings
    body = await views.json_body(request)
    for name, value in body.items():
        if not hasattr(settings, name):
            raise bad_request(f"Unknown setting: {name}")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise bad_request(f"{name} must be a non-negative number")
        setattr(settings, name, int(value) if name in COUNTS else float(value))
    return dataclasses.asdict(settings)


@router.get("/deliveries")
async def deliveries(request: Request) -> Record:
    engine = sim_of(request).deliveries
    q = request.query_params
    # `limit`: the newest N records only (0: just the pending count, which pollers ask for often).
    limit = q.get("limit")
    if limit is not None and not limit.isdigit():
        raise bad_request("limit must be a non-negative whole number")
    records = list(engine.records.values())
    if limit is not None:
        records = records[len(records) - int(limit) :] if int(limit) else []
    shown = [
        copy.deepcopy(d.as_dict())
        for d in records
        if q.get("event", d.body["event"]) == d.body["event"]
        and q.get("state", d.state) == d.state
        and q.get("webhook_id", d.webhook["id"]) == d.webhook["id"]
    ]
    return {"data": shown, "pending": engine.pending()}


@router.post("/deliveries/wait")
async def wait_for_deliveries(request: Request) -> Record:
    body = await views.json_body(request)
    timeout = min(float(body.get("timeout_seconds", 5)), 120.0)
    return {"pending": await sim_of(request).deliveries.idle(timeout)}


@router.post("/deliveries/{delivery_id}/redeliver")
async def redeliver(request: Request, delivery_id: str) -> JSONResponse:
    engine = sim_of(request).deliveries
    if delivery_id not in engine.records:
        raise not_found("deliveries", delivery_id)
    return JSONResponse({"data": engine.redeliver(delivery_id).as_dict()}, status_code=202)


@router.post("/webhooks/{webhook_id}/test")
async def test_webhook(request: Request, webhook_id: str) -> Record:
    sim = sim_of(request)
    webhook = sim.store.get("webhooks", sim.store.webhooks, webhook_id)
    delivery = await sim.deliveries.test(webhook)
    return {"data": delivery.as_dict(), "ok": delivery.state == "delivered"}


@router.get("/requests")
async def requests_log(request: Request) -> Record:
    return {"data": list(sim_of(request).requests)}


@router.get("/stats")
async def stats(request: Request) -> Record:
    sim = sim_of(request)
    return {name: dict(counter) for name, counter in sim.stats.items()} | {
        "total": sum(sim.stats["byMethod"].values())
    }
