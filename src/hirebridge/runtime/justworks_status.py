"""What `hirebridge status` reports per Justworks connection, and the new hires awaited there, counted
the same way for /metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg_pool import AsyncConnectionPool

from hirebridge.runtime.process import opened_store
from hirebridge.runtime.status import grant
from hirebridge.store import cursors, failures, packets

AWAITED = ("held", "awaiting_review", "reviewed")


def awaited_counts(invites: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Hires awaited in Justworks by state, and of them those overdue or whose member is to confirm."""
    counts = {state: sum(i["status"] == state for i in invites) for state in AWAITED}
    counts["overdue"] = sum(bool(i["overdue"]) for i in invites)
    counts["flagged"] = sum(bool(i["match_flag"]) for i in invites)
    return counts


async def hires_awaited(
    pool: AsyncConnectionPool, overdue_hours: dict[str, float]
) -> dict[str, dict[str, int]]:
    """`awaited_counts` per Justworks connection in `overdue_hours`."""
    rows = await packets.invites(pool, overdue_hours)
    return {
        name: awaited_counts([r for r in rows if r["justworks_connection"] == name]) for name in overdue_hours
    }


async def justworks_report(overdue_hours: dict[str, float], url: str, limit: int) -> dict[str, Any]:
    """Per Justworks connection: its OAuth grant, the members poll, and the hires awaited in Justworks
    (an invite not seen after `invite_overdue_hours` is overdue)."""
    if not overdue_hours:
        return {}
    async with opened_store(url) as pool:
        counts = await failures.status(pool)
        polls = {c.connection: c for c in await cursors.all_cursors(pool) if c.stream == "members"}
        invites = await packets.invites(pool, overdue_hours)
    report: dict[str, Any] = {}
    for name in sorted(overdue_hours):
        mine = [i for i in invites if i["justworks_connection"] == name]
        awaited = awaited_counts(mine)
        poll = polls.get(f"justworks:{name}")
        report[name] = {
            "oauth": grant(counts.get(f"justworks:{name}", {}).get("oauth")),
            "members_poll": {
                "last_finished_at": poll.last_finished_at if poll else None,
                "last_error": poll.last_error if poll else None,
            },
            "awaited": {k: awaited[k] for k in AWAITED},
            "overdue": awaited["overdue"],
            "flagged": awaited["flagged"],
            "invites": [
                {
                    "packet": i["id"],
                    "subject": f"opportunity:{i['subject_id']}",
                    "status": i["status"],
                    "waited_hours": round(float(i["waited_hours"] or 0), 1),
                    "overdue": i["overdue"],
                    "reviewed_by": i["reviewed_by"],
                    "flag": i["match_flag"],
                }
                for i in mine
                if i["overdue"] or i["match_flag"]
            ][:limit],
        }
    return report
