"""A request to be forgotten that reaches the company outside Lever: which subjects it covers, and
their erasure, queued like any reconcile (the subject's lock keeps it in order with other work). And a
request to see what is held on a candidate: the export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hirebridge.connectors.errors import NotFound, PermanentError
from hirebridge.domain.subjects import Subject
from hirebridge.runtime.erasure import erasure_request
from hirebridge.runtime.queue import defer_reconcile
from hirebridge.store import lifecycle, packets

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

    from hirebridge.runtime.service import Service

REASON = "erasure requested"


async def subjects_of_person(
    service: Service, connection: str, *, opportunity: str | None = None, email: str | None = None
) -> list[Subject]:
    """Every opportunity of the person: the one named and the others of its Lever contact, or those
    Lever finds by the email (an exact, canonicalized match), and any whose packet has that email."""
    client = service.lever[connection].client
    ids: set[str] = set()
    if opportunity is not None:
        ids.add(opportunity)
        try:
            contact = (await client.opportunity(opportunity)).get("contact")
        except NotFound:  # already deleted in Lever: the id named is all there is
            contact = None
        if contact:
            ids |= {str(o["id"]) async for o in client.opportunities(_query("contact_id", str(contact)))}
    found = [Subject(connection, "opportunity", i) for i in sorted(ids)]
    if email is not None:
        try:
            ids |= {str(o["id"]) async for o in client.opportunities(_query("email", email))}
        except PermanentError as exc:  # Lever answers 400 for what is not an email address
            raise ValueError(f"Lever refused the lookup by email: {exc.summary}") from None
        async with service.pool.connection() as conn:
            held = [s for s in await packets.subjects_by_email(conn, email) if s.connection == connection]
        found = sorted({*(Subject(connection, "opportunity", i) for i in ids), *held})
    return found


def _query(name: str, value: str) -> list[tuple[str, Any]]:
    return [(name, value), ("include", "id")]


async def request_erasures(service: Service, subjects: list[Subject], by: str) -> list[int]:
    """Record each erasure (kept even for a subject never seen) and queue its reconcile, in one
    transaction; the job ids."""
    jobs = []
    async with service.pool.connection() as conn, conn.transaction():
        for subject in subjects:
            await lifecycle.request_erasure(conn, subject, erasure_request(by, REASON))
            jobs.append(await defer_reconcile(subject, connection=conn))
    return jobs


async def erased(service: Service, subjects: list[Subject]) -> dict[Subject, bool]:
    """Whether each subject's erasure has been carried out."""
    return {s: bool((await lifecycle.erasure_of(service.pool, s) or {}).get("erased_at")) for s in subjects}


async def export(pool: AsyncConnectionPool, subject: Subject) -> dict[str, Any]:
    """Everything held on the subject, and every external object created for it (Jira issues and
    requests, Lever notes, Justworks packets)."""
    held = await lifecycle.export(pool, subject)
    effects = held.pop("effects")
    external = [e for e in effects if e["external_id"] or e["external_key"]]
    return {
        "lever_connection": subject.connection,
        "opportunity": subject.id,
        "held": held,
        "external_objects": external,
        "ledger": effects,
    }
