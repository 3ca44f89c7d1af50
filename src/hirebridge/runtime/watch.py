"""Watching what Lever sends no webhooks for (lever.md §3.1: no offer or requisition events).

Requisitions: the list has no updated-since filter, so each pass lists them and queues those whose
`updatedAt` moved. Offers: an offer being signed does not move the opportunity's `updatedAt`
(lever.md §4.2), so candidates in an offer stage are reconciled each pass while a recipe asks for
`offer_accepted`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hirebridge.domain.subjects import Subject
from hirebridge.store import subjects

OFFER_STAGE = "Offer"

if TYPE_CHECKING:
    from hirebridge.runtime.service import Service


async def watch_pass(service: Service, connection: str) -> int:
    """One pass for one Lever connection; returns how many subjects were queued."""
    from hirebridge.runtime.queue import defer_reconcile

    side = service.lever[connection]
    recipes = [r.recipe for r in side.recipes]
    queued = 0
    found: list[tuple[Subject, int | None]] = []
    if any(r.subject == "requisition" for r in recipes):
        found += [
            (Subject(connection, "requisition", str(r["id"])), r.get("updatedAt"))
            for r in await side.client.requisitions()
        ]
    # Offers are signed while a candidate waits in the offer stage; later stage moves send webhooks.
    offer_stages = {r.when.stage_reached or OFFER_STAGE for r in recipes if r.when.offer_accepted}
    if offer_stages:
        stages = {str(s["text"]): str(s["id"]) for s in await side.reference.stages.get()}
        for name in sorted(offer_stages & stages.keys()):
            for opportunity in await side.client.opportunities_in_stage(stages[name]):
                found.append((Subject(connection, "opportunity", str(opportunity["id"])), None))
    async with service.pool.connection() as conn, conn.transaction():
        for subject, updated_at in found:
            changed = (
                await subjects.note_source_updated(conn, subject, updated_at)
                if updated_at is not None
                else await subjects.bump(conn, subject) > 0
            )
            if changed:
                await defer_reconcile(subject, connection=conn)
                queued += 1
    return queued
