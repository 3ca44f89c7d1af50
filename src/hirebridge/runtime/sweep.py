"""The sweep: what webhooks missed, and what Lever sends no webhooks for, fed to the reconcile path.

Three streams per Lever connection, each with a cursor row (store/cursors.py):
- `opportunities`: those updated since the cursor (minus an overlap for clock skew), listed page by
  page; a subject is bumped only when its `updatedAt` differs from the one seen last, so a pass over
  unchanged data queues nothing. Pages are committed (bumps and jobs in one transaction) as they
  come; the cursor moves to the newest `updatedAt` seen once the whole window is queued. Pages are
  ordered by creation, not update, so an earlier move could skip an unread page after a crash.
- `requisitions`: Lever has no updated-since filter for them, so all are listed and compared.
- `offers`: an offer being signed does not move the opportunity's `updatedAt` (not among the fields
  Lever's documentation lists for it), so
  candidates in the Offer stage (domain/offer_stage.py: Lever's own, or the configured one) and in a
  stage an `offer_accepted` recipe names are re-checked on every pass while such a recipe exists.
- `webhooks`: our webhooks listed in Lever; one deleted there is created again (runtime/webhooks.py).
- `deletions`: opportunities Lever lists as deleted since the cursor; those hirebridge holds anything
  for are erased (runtime/erasure.py). A lost `candidateDeleted` webhook is repaired within the sweep
  interval, and a read that Lever answered 404 runs this stream at once to confirm it.
A connection an operator disconnected is not swept.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from psycopg import AsyncConnection

from hirebridge.connectors.errors import loggable
from hirebridge.domain.offer_stage import find_offer_stage
from hirebridge.domain.subjects import Subject
from hirebridge.runtime.webhooks import repair_lever_webhooks
from hirebridge.store import connection_state, cursors, lifecycle, subjects
from hirebridge.store.sql import QUERIES

if TYPE_CHECKING:
    from hirebridge.runtime.service import Service

log = structlog.get_logger(__name__)
STREAMS = ("opportunities", "requisitions", "offers", "webhooks", "deletions")
PAGE = 100
# (stream, listed so far, queued so far): for the command's progress bar.
Progress = Callable[[str, int, int], None]


@dataclass
class StreamResult:
    connection: str
    stream: str
    listed: int = 0
    queued: int = 0
    position: int | None = None
    job_ids: list[int] = field(default_factory=list)
    skipped: str | None = None
    created: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        summary = {"listed": self.listed, "queued": self.queued, "position": self.position}
        return summary | ({"created": self.created} if self.created else {})


@dataclass(frozen=True)
class Window:
    """Where an opportunities pass starts: `since_ms` given, or everything (`full`), or the cursor."""

    since_ms: int | None = None
    full: bool = False


async def sweep_due(service: Service) -> int:
    """The periodic task: every stream whose time has come; returns how many reconciles were queued."""
    queued = 0
    disconnected = await connection_state.disconnected(service.pool, "lever")
    for connection in service.config.lever.keys() - disconnected:
        for stream in STREAMS:
            claim = await cursors.claim(service.pool, connection, stream)
            if claim is None:
                continue
            try:
                queued += (await _run_claimed(service, claim, Window(), None)).queued
            except Exception:  # recorded on the cursor; the other streams still run
                continue
    return queued


async def sweep_now(
    service: Service, connection: str, window: Window, progress: Progress | None = None
) -> list[StreamResult]:
    """One pass of every stream of `connection` now, whatever the schedule (`hirebridge sweep`)."""
    results = []
    for stream in STREAMS:
        claim = await cursors.claim(service.pool, connection, stream, force=True)
        assert claim is not None
        results.append(await _run_claimed(service, claim, window, progress))
    return results


def _interval(service: Service, claim: cursors.Claim) -> float:
    settings = service.config.lever[claim.connection]
    if claim.stream in ("opportunities", "deletions"):
        return settings.sweep_interval_seconds
    if claim.stream == "webhooks":
        return settings.webhook_check_interval_seconds
    override = os.environ.get("HIREBRIDGE_WATCH_SECONDS")
    return float(override) if override else settings.poll_interval_seconds


async def _run_claimed(
    service: Service, claim: cursors.Claim, window: Window, progress: Progress | None
) -> StreamResult:
    interval = _interval(service, claim)
    try:
        result = await _run(service, claim, window, progress)
    except Exception as exc:
        await cursors.fail(
            service.pool, claim, error=f"{type(exc).__name__}: {exc}", interval_seconds=interval
        )
        log.warning("sweep failed", connection=claim.connection, stream=claim.stream, error=loggable(exc))
        raise
    # Only an opportunities pass over the cursor's own window may move it.
    moves = claim.stream in ("opportunities", "deletions") and window.since_ms is None and not window.full
    position = result.position if moves else None
    await cursors.finish(
        service.pool, claim, position=position, summary=result.summary(), interval_seconds=interval
    )
    if result.queued:
        log.info(
            "sweep queued reconciles", connection=claim.connection, stream=claim.stream, queued=result.queued
        )
    return result


async def _run(
    service: Service, claim: cursors.Claim, window: Window, progress: Progress | None
) -> StreamResult:
    side = service.lever[claim.connection]
    recipes = [r.recipe for r in side.recipes]
    result = StreamResult(claim.connection, claim.stream)
    if claim.stream == "opportunities":
        if not any(r.subject == "opportunity" for r in recipes):
            result.skipped = "no opportunity recipes"
            return result
        since = _since(service, claim, window)
        params: list[tuple[str, Any]] = [("include", "id"), ("include", "updatedAt")]
        # Archived ones too (no `archived` filter); only ids and times, no candidate data.
        items = side.client.opportunities(
            params + ([("updated_at_start", since)] if since is not None else [])
        )
        await _queue_pages(service, claim, result, _with_updated(items, "opportunity"), progress)
    elif claim.stream == "requisitions":
        if not any(r.subject == "requisition" for r in recipes):
            result.skipped = "no requisition recipes"
            return result
        items = _aiter(await side.client.requisitions())
        await _queue_pages(service, claim, result, _with_updated(items, "requisition"), progress)
    elif claim.stream == "webhooks":
        if not service.config.lever[claim.connection].register_webhooks:
            result.skipped = "register_webhooks is off"
            return result
        if claim.connection in await connection_state.disconnected(service.pool, "lever"):
            result.skipped = "disconnected"
            return result
        done = await repair_lever_webhooks(service, claim.connection)
        result.listed, result.created = len(done.kept), done.created
        if done.created:
            log.warning(
                "lever webhooks were missing; created again", connection=claim.connection, events=done.created
            )
    elif claim.stream == "deletions":
        if not any(r.subject == "opportunity" for r in recipes):
            result.skipped = "no opportunity recipes"
            return result
        await _erase_deleted(
            service, claim, result, side.client.deleted_opportunities(_since(service, claim, window))
        )
    else:
        offer_recipes = [r for r in recipes if r.when.offer_accepted]
        if not offer_recipes:
            result.skipped = "no offer recipes"
            return result
        pipeline = await side.reference.stages.get()
        stages = {str(s["text"]): str(s["id"]) for s in pipeline}
        offer_stage = find_offer_stage(pipeline, service.config.lever[claim.connection].offer_stage)
        named = {stages[r.when.stage_reached] for r in offer_recipes if r.when.stage_reached in stages}
        for stage_id in sorted(named | ({offer_stage.id} if offer_stage else set())):
            items = side.client.opportunities(
                [("stage_id", stage_id), ("archived", "false"), ("include", "id")]
            )
            await _queue_pages(service, claim, result, _without_updated(items), progress)
    if progress is not None:
        progress(claim.stream, result.listed, result.queued)
    return result


def _since(service: Service, claim: cursors.Claim, window: Window) -> int | None:
    settings = service.config.lever[claim.connection]
    if window.full:
        return None
    if window.since_ms is not None:
        return window.since_ms
    if claim.position is not None:
        return claim.position - int(settings.sweep_overlap_seconds * 1000)
    return int((time.time() - settings.sweep_lookback_seconds) * 1000)


async def _aiter(items: Iterable[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for item in items:
        yield item


async def _with_updated(
    items: AsyncIterator[dict[str, Any]], kind: str
) -> AsyncIterator[tuple[str, str, int | None]]:
    async for item in items:
        updated = item.get("updatedAt")
        yield kind, str(item["id"]), int(updated) if isinstance(updated, int | float) else None


async def _without_updated(
    items: AsyncIterator[dict[str, Any]],
) -> AsyncIterator[tuple[str, str, int | None]]:
    async for item in items:
        yield "opportunity", str(item["id"]), None


async def _queue_pages(
    service: Service,
    claim: cursors.Claim,
    result: StreamResult,
    items: AsyncIterator[tuple[str, str, int | None]],
    progress: Progress | None,
) -> None:
    page: list[tuple[str, str, int | None]] = []
    async for item in items:
        page.append(item)
        if len(page) >= PAGE:
            await _queue_page(service, claim, result, page)
            page = []
            if progress is not None:
                progress(claim.stream, result.listed, result.queued)
    if page:
        await _queue_page(service, claim, result, page)


async def _queue_page(
    service: Service, claim: cursors.Claim, result: StreamResult, page: list[tuple[str, str, int | None]]
) -> None:
    """Bumps and jobs of one page in one transaction: a crash leaves all of it queued or none."""
    from hirebridge.runtime.queue import defer_reconcile

    async with service.pool.connection() as conn, conn.transaction():
        for kind, subject_id, updated_at in page:
            subject = Subject(claim.connection, kind, subject_id)
            if await _changed(conn, subject, updated_at):
                result.job_ids.append(await defer_reconcile(subject, connection=conn))
                result.queued += 1
            if updated_at is not None:
                result.position = max(result.position or updated_at, updated_at)
        await cursors.extend(conn, claim)
    result.listed += len(page)


async def _erase_deleted(
    service: Service, claim: cursors.Claim, result: StreamResult, items: AsyncIterator[dict[str, Any]]
) -> None:
    """Deleted in Lever: each one hirebridge holds anything for is to be erased, by its reconcile."""
    from hirebridge.runtime.erasure import LISTED_REASON, erasure_request
    from hirebridge.runtime.queue import defer_reconcile

    page: list[dict[str, Any]] = []

    async def flush() -> None:
        async with service.pool.connection() as conn, conn.transaction():
            for deleted_by in sorted({str(d.get("deletedBy") or "") for d in page}):
                ids = [str(d["id"]) for d in page if str(d.get("deletedBy") or "") == deleted_by]
                request = erasure_request(f"lever:{deleted_by}" if deleted_by else "lever", LISTED_REASON)
                held = await lifecycle.request_erasure_of_held(conn, claim.connection, ids, request)
                for subject in held:
                    result.job_ids.append(await defer_reconcile(subject, connection=conn))
                result.queued += len(held)
            await cursors.extend(conn, claim)
        for item in page:
            stamp = item.get("deletedAt")
            if isinstance(stamp, int):
                result.position = max(result.position or stamp, stamp)
        result.listed += len(page)
        page.clear()

    async for item in items:
        page.append(item)
        if len(page) >= PAGE:
            await flush()
    if page:
        await flush()


async def _changed(conn: AsyncConnection, subject: Subject, updated_at: int | None) -> bool:
    if updated_at is not None:
        return await subjects.note_source_updated(conn, subject, updated_at)
    args = {"connection": subject.connection, "kind": subject.kind, "id": subject.id}
    cur = await conn.execute(QUERIES["bump_subject_if_idle"], args)
    return await cur.fetchone() is not None
