"""Sending a reviewed packet to Justworks: claim it, re-check it, create the pending hire, invite.

Safe to repeat at every step. The claim lets one send run at a time (a double click finds it taken);
Justworks answers a second create for the same opportunity with the existing pending hire, and an
invite that already happened is recognised by the hire's status. So a crash or a retry never makes a
second pending hire or a second invitation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog

from hirebridge.connectors.errors import ConnectorError, PermanentError
from hirebridge.connectors.justworks import error_codes
from hirebridge.store import packets as store

if TYPE_CHECKING:
    from hirebridge.runtime.packets import PacketsPort

log = structlog.get_logger(__name__)
Row = dict[str, Any]


async def send_packet(port: PacketsPort, row: Row, admin: str) -> Row | None:
    """The packet after the attempt (status `sent`, or back for review with the reason)."""
    check = await port.check(row, fresh=True)
    if not check.valid:
        await store.correct(
            port.pool,
            row["id"],
            row["corrections"],
            [{"field": p.field, "message": p.message} for p in check.problems],
            "held",
        )
        return await store.get(port.pool, row["id"])
    claimed = await store.claim_send(port.pool, row["id"], admin)
    if claimed is None:  # sent, declined, withdrawn, or another click is sending it now
        return await store.get(port.pool, row["id"])
    client = port.clients[row["justworks_connection"]]
    body = {
        **check.body,
        "source_ref": {"opportunity_id": row["subject_id"]},
        "invite": {"send_to": "home_email", "note": None},
    }
    try:
        hire = await _create(client, body, row["subject_id"])
        if claimed["invite"] and hire.get("status") == "pending":
            hire = await _invite(client, hire)
    except PermanentError as exc:
        refused = [
            {"field": str(e.get("field") or ""), "message": f"Justworks: {e.get('message') or e.get('code')}"}
            for e in error_codes(exc)
        ]
        status = "held" if refused else "awaiting_review"
        await store.fail_send(port.pool, row["id"], status=status, error=exc.message, problems=refused)
        log.warning("packet refused by justworks", packet=row["id"], status=exc.status)
        return await store.get(port.pool, row["id"])
    except ConnectorError as exc:
        await store.fail_send(
            port.pool,
            row["id"],
            status="awaiting_review",
            error=f"Justworks did not answer: {exc.message}",
            problems=[],
        )
        log.warning("packet send failed; the admin may retry", packet=row["id"], error=type(exc).__name__)
        return await store.get(port.pool, row["id"])
    return await store.finish_send(port.pool, row["id"], str(hire["id"]))


async def _create(client: Any, body: Row, opportunity_id: str) -> Row:
    try:
        return dict(await client.create_pending_hire(body))
    except ConnectorError as exc:
        if exc.status != 409:
            raise
        existing = await client.pending_hire_for(opportunity_id)
        raise PermanentError(
            "Justworks already holds a different pending hire for this candidate"
            + (f" ({existing['id']}, {existing['status']})" if existing else "")
            + "; change or remove it in Justworks first",
            service="justworks",
            status=409,
        ) from exc


async def _invite(client: Any, hire: Row) -> Row:
    try:
        return dict(await client.invite(str(hire["id"]), "home_email"))
    except ConnectorError as exc:
        if exc.status != 409:
            raise
        # Invited by an earlier attempt whose answer was lost: that is the outcome we wanted.
        current = await client.pending_hire_for(str(hire["source_ref"]["opportunity_id"]))
        if current and current.get("status") == "invited":
            return dict(current)
        raise
