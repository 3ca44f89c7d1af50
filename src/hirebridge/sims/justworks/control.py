"""The unauthenticated control API under /_sim/ for tests, the demo and benchmarks."""

from __future__ import annotations

import copy
import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request

from hirebridge.sims.justworks.clock import iso
from hirebridge.sims.justworks.errors import fail
from hirebridge.sims.justworks.seed import SEED_KEYS
from hirebridge.sims.justworks.state import sim, update_settings

router = APIRouter(prefix="/_sim")


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise fail(400, "invalid_json", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise fail(400, "invalid_body", "the request body must be a JSON object")
    return body


@router.post("/reset")
async def reset(request: Request) -> dict[str, Any]:
    sim(request).reset()
    return {"ok": True}


@router.get("/state")
async def state(request: Request) -> dict[str, Any]:
    return sim(request).snapshot()


@router.post("/seed")
async def seed(request: Request) -> dict[str, Any]:
    body = await _body(request)
    unknown = set(body) - set(SEED_KEYS)
    if unknown:
        raise fail(
            400, "unknown_field", f"seed keys must be among {', '.join(SEED_KEYS)}", sorted(unknown)[0]
        )
    current = sim(request)
    try:
        current.load(body)
    except (KeyError, TypeError, AttributeError) as exc:
        raise fail(400, "invalid_seed", f"the seed is malformed: {exc!r}") from None
    return {"ok": True, "members": len(current.members), "admins": len(current.admins)}


@router.get("/faults")
async def get_faults(request: Request) -> dict[str, Any]:
    return asdict(sim(request).faults)


@router.post("/faults")
async def set_faults(request: Request) -> dict[str, Any]:
    current = sim(request)
    result = update_settings(current.faults, await _body(request))
    if current.faults.random_seed is not None:
        current.rng.seed(current.faults.random_seed)
    return result


@router.get("/config")
async def get_config(request: Request) -> dict[str, Any]:
    return asdict(sim(request).config)


@router.post("/config")
async def set_config(request: Request) -> dict[str, Any]:
    return update_settings(sim(request).config, await _body(request))


@router.get("/clock")
async def get_clock(request: Request) -> dict[str, Any]:
    current = sim(request)
    return {"now": iso(current.clock.now()), "offset_seconds": current.clock.offset.total_seconds()}


@router.post("/clock")
async def advance_clock(request: Request) -> dict[str, Any]:
    seconds = (await _body(request)).get("advance_seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise fail(400, "invalid_value", "advance_seconds must be a non-negative number", "advance_seconds")
    current = sim(request)
    current.clock.advance(seconds)
    return {"now": iso(current.clock.now()), "offset_seconds": current.clock.offset.total_seconds()}


@router.get("/requests")
async def requests(request: Request) -> dict[str, Any]:
    items = sim(request).requests
    limit = request.query_params.get("limit")
    if limit is not None and limit.isdigit():
        items = items[-int(limit) :] if int(limit) else []
    return {"items": copy.deepcopy(items)}


@router.delete("/requests")
async def clear_requests(request: Request) -> dict[str, Any]:
    current = sim(request)
    current.requests.clear()
    current.stats = Counter()
    return {"ok": True}


@router.get("/stats")
async def stats(request: Request) -> dict[str, Any]:
    current = sim(request)
    by_status = Counter(str(r["status"]) for r in current.requests)
    return {
        "total": sum(current.stats.values()),
        "by_route": dict(current.stats),
        "by_status": dict(by_status),
    }


@router.get("/outbox")
async def outbox(request: Request) -> dict[str, Any]:
    items = sim(request).outbox
    for key in ("to", "kind", "member_id"):
        if key in request.query_params:
            items = [m for m in items if m[key] == request.query_params[key]]
    return {"items": copy.deepcopy(items)}


@router.delete("/outbox")
async def clear_outbox(request: Request) -> dict[str, Any]:
    sim(request).outbox.clear()
    return {"ok": True}
