"""Closing the loop of U9: read Justworks' members and match them to the packets awaiting their person.

Justworks sends hirebridge nothing when an admin adds a person, so its members are polled, and only
while some packet awaits its person: one paged list (`updated_at_gte` the cursor, 100 per page) every
`poll_interval_seconds`, at the connection's request rate, with 429s honoured. The cursor lives in
the sweep cursors (connection `justworks:NAME`, stream `members`), under the same lease, so of several
workers one polls.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import structlog

from hirebridge.connectors.errors import ConnectorError
from hirebridge.domain.member_match import Candidate, match
from hirebridge.domain.packet import merged
from hirebridge.errors import loggable
from hirebridge.store import connection_state, cursors
from hirebridge.store import packets as store

if TYPE_CHECKING:
    from hirebridge.runtime.packets import PacketsPort
    from hirebridge.runtime.service import Service

log = structlog.get_logger(__name__)
STREAM = "members"
# Justworks' `updated_at` may be set a little before the member is listed: read back this much.
OVERLAP = timedelta(seconds=60)


def _candidate(row: dict[str, object]) -> Candidate:
    values = merged(row["source"], row["corrections"])  # type: ignore[arg-type]
    return Candidate(
        packet_id=str(row["id"]),
        first_name=values["first_name"],
        last_name=values["last_name"],
        home_email=values["home_email"],
        start_date=values["start_date"][:10],
    )


def _moment(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def watch_due(service: Service) -> int:
    """The periodic task: each connected Justworks whose poll is due; returns the packets settled."""
    port = service.packets
    if port is None:
        return 0
    settled = 0
    disconnected = await connection_state.disconnected(service.pool, "justworks")
    for name in port.connections.keys() - disconnected:
        awaited = await store.awaited(service.pool, name)
        if not awaited:
            continue  # nothing to wait for: Justworks is not read at all
        claim = await cursors.claim(service.pool, f"justworks:{name}", STREAM)
        if claim is None:
            continue
        interval = port.connections[name].poll_interval_seconds
        try:
            settled += await _poll(port, name, claim, awaited, interval)
        except ConnectorError as exc:
            log.warning("reading justworks members failed", connection=name, error=loggable(exc))
            await cursors.fail(service.pool, claim, error=str(exc), interval_seconds=interval)
    return settled


async def _poll(
    port: PacketsPort, name: str, claim: cursors.Claim, awaited: list[dict[str, object]], interval: float
) -> int:
    # First poll: from a little before the oldest awaited packet, not the company's whole history.
    oldest = min(row["created_at"] for row in awaited)  # type: ignore[type-var]
    since = (
        datetime.fromtimestamp(claim.position / 1000, UTC) if claim.position else oldest  # type: ignore[assignment]
    ) - OVERLAP
    candidates = [_candidate(row) for row in awaited]
    rows = {str(row["id"]): row for row in awaited}
    newest, listed, settled = claim.position or 0, 0, 0
    async for member in port.clients[name].members(updated_since=since):
        listed += 1
        updated = _moment(member.get("updated_at"))
        if updated is not None:
            newest = max(newest, int(updated.timestamp() * 1000))
        found = match(member, candidates)
        if found is None:
            continue
        await port.matched(rows[found.packet_id], found)
        if found.joined:
            settled += 1
            candidates = [c for c in candidates if c.packet_id != found.packet_id]
    summary = {"listed": listed, "joined": settled}
    await cursors.finish(
        port.pool, claim, position=newest or None, summary=summary, interval_seconds=interval
    )
    return settled
