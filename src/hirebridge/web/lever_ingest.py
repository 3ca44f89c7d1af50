"""POST /webhooks/lever/{connection}: verify, store once, queue a reconcile — in one transaction
(shared with the webhooks received meanwhile: runtime/ingest.py).

Lever signs `token + triggeredAt` with the webhook's own token; the body itself is not signed, so
the event is only a hint: the reconcile re-reads the opportunity from Lever before writing anything.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg_pool import PoolTimeout
from starlette.requests import Request
from starlette.responses import JSONResponse

from hirebridge.domain.signature import verify_lever_signature
from hirebridge.domain.subjects import Subject, is_lever_id
from hirebridge.errors import DatabaseError, UnstorableEvent
from hirebridge.runtime.ingest import InboxEvent
from hirebridge.runtime.signature_tokens import SignatureTokens
from hirebridge.web.bodies import BadBody, parse_json, read_body
from hirebridge.web.metrics import WEBHOOKS

REQUIRED = {"event": str, "triggeredAt": int, "token": str, "data": dict}


def _reject(status: int, reason: str, metric: str) -> JSONResponse:
    WEBHOOKS.labels("lever", metric).inc()
    return JSONResponse({"error": reason}, status_code=status)


def _shape_problem(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return "the body must be a JSON object"
    for key, kind in REQUIRED.items():
        if key not in payload:
            return f"missing field '{key}'"
        if not isinstance(payload[key], kind) or (kind is int and isinstance(payload[key], bool)):
            return f"field '{key}' must be a {'number' if kind is int else kind.__name__}"
    return None


async def _signed(tokens: SignatureTokens, connection: str, payload: dict[str, Any], signature: str) -> bool:
    for fresh in (False, True):
        token = await tokens.get(connection, payload["event"], fresh=fresh)
        if token is not None and verify_lever_signature(
            token, payload["token"], payload["triggeredAt"], signature
        ):
            return True
    return False


async def receive_lever_webhook(request: Request) -> JSONResponse:
    connection: str = request.path_params["connection"]
    state = request.app.state
    if connection not in state.config.lever:
        return _reject(404, f"no Lever connection named '{connection}' in the config", "unknown-connection")
    try:
        payload = parse_json(await read_body(request))
    except BadBody as exc:
        return _reject(exc.status, str(exc), "malformed")
    problem = _shape_problem(payload)
    if problem:
        return _reject(400, problem, "malformed")
    signature = payload.get("signature")
    if not isinstance(signature, str) or not signature:
        return _reject(401, "missing signature", "unsigned")
    if not await _signed(state.signature_tokens, connection, payload, signature):
        return _reject(401, "signature does not match this connection's webhook token", "bad-signature")
    data = payload["data"]
    if not data:
        # Lever's "test" / "Verify connection" request carries an empty data object.
        WEBHOOKS.labels("lever", "ping").inc()
        return JSONResponse({"status": "ok", "ping": True})
    opportunity_id = data.get("opportunityId") or data.get("candidateId")
    if not isinstance(opportunity_id, str) or not opportunity_id:
        return _reject(400, "data.opportunityId is missing", "malformed")
    if not is_lever_id(opportunity_id):
        return _reject(400, "data.opportunityId is not a Lever id (a UUID)", "malformed")
    subject = Subject(connection, "opportunity", opportunity_id)
    event = InboxEvent(
        source="lever",
        dedupe_key=f"{payload['token']}:{payload['triggeredAt']}",
        event=payload["event"],
        subject=subject,
        payload=payload,
    )
    try:
        stored = await state.ingest.store(event)
    except UnstorableEvent as exc:
        return _reject(400, exc.message, "malformed")
    except DatabaseError as exc:
        # Not stored, not answered 2xx: Lever sends it again (five tries, growing back-off).
        return _reject(503, exc.message, "unavailable")
    WEBHOOKS.labels("lever", "accepted" if stored else "duplicate").inc()
    try:
        await state.signature_tokens.delivered(connection, payload["event"])
    except (psycopg.Error, PoolTimeout):  # stored all the same; the next event records it
        pass
    return JSONResponse({"status": "accepted" if stored else "duplicate"})
