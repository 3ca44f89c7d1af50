"""The sweep: what webhooks missed, and what Lever sends no webhooks for, fed to the reconcile path.

Three streams per Lever connection, each with a cursor row (store/cursors.py):
- `opportunities`: those updated since the cursor (minus an overlap for clock skew), listed page by
  page with `expand=applications` (100 a call); a subject is bumped only when its `updatedAt` differs
  from the one seen last, so a pass over unchanged data queues nothing, and the page's opportunity is
  kept for the reconcile it queues, which then does not read it again. Pages are committed (bumps,
  reads and jobs in one transaction) as they come; the cursor moves to the newest `updatedAt` seen
  once the whole window is queued. Pages are not ordered by update, so an earlier move could skip an
  unread page after a crash. On a new database (no cursor yet) the first pass is a backfill of every
  opportunity (`first_sweep`), queued at background priority like `hirebridge sweep --full`.
- `requisitions`: Lever has no updated-since filter for them, so all are listed and compared.
- `offers`: Lever sends no webhook for an offer and signing one does not move the opportunity's
  `updatedAt` (not among the fields Lever's documentation lists for it), so the offers of the
  candidates a reconcile marked as waiting for one (not archived, in the Offer stage of
  domain/offer_stage.py, a recipe asks for `offer_accepted` and applies otherwise) are read, longest
  unchecked first, within `offer_poll_share` of the rate; a reconcile is queued only for offers that
  changed.
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
from prometheus_client import Gauge

from hirebridge.connectors.errors import NotFound
from hirebridge.domain.offers_seen import offers_fingerprint
from hirebridge.domain.snapshot import parse_offers
from hirebridge.domain.subjects import Subject
from hirebridge.errors import loggable
from hirebridge.runtime.budget import spending
from hirebridge.runtime.erasure import LISTED_REASON, erasure_request
from hirebridge.runtime.queue import PRIORITY_BACKFILL, PRIORITY_SWEEP, budget_priority, defer_reconcile
from hirebridge.runtime.webhooks import repair_lever_webhooks
from hirebridge.store import connection_state, cursors, lever_reads, lifecycle, subjects

if TYPE_CHECKING:
    from hirebridge.runtime.service import Service

log = structlog.get_logger(__name__)
BACKFILL = Gauge(
    "hirebridge_lever_backfill_opportunities",
    "The last pass over every opportunity (first start, sweep --full): listed, and reconciles queued "
    'at background priority (their progress: hirebridge_reconciles_total{priority="background"}).',
    ["connection", "what"],
)
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
    priority: int = 0  # of the reconciles it queues
    backfill: bool = False  # a pass over the whole history

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {"listed": self.listed, "queued": self.queued, "position": self.position}
        if self.stream == "opportunities" and self.priority < 0 and self.backfill:
            summary["backfill"] = {"listed": self.listed, "queued": self.queued, "at": int(time.time())}
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
            # A process starting does not know how long the service was down: what changed meanwhile
            # (webhooks Lever gave up on) is listed at once, not at the next interval.
            at_start = stream == "opportunities" and (id(service), connection) not in _swept_since_start
            claim = await cursors.claim(service.pool, connection, stream, force=at_start)
            if at_start:
                _swept_since_start.add((id(service), connection))
            if claim is None:
                continue
            try:
                queued += (await _run_claimed(service, claim, Window(), None)).queued
            except Exception:  # recorded on the cursor; the other streams still run
                continue
    return queued


_swept_since_start: set[tuple[int, str]] = set()


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
    priority = priority_of(claim, window)
    started_ms = int(time.time() * 1000)
    try:
        with spending(budget_priority(priority)):
            result = await _run(service, claim, window, progress, priority)
    except Exception as exc:
        await cursors.fail(
            service.pool, claim, error=f"{type(exc).__name__}: {exc}", interval_seconds=interval
        )
        log.warning("sweep failed", connection=claim.connection, stream=claim.stream, error=loggable(exc))
        raise
    # Only a pass over the cursor's own window may move it. It listed everything changed up to its
    # start: the next one looks back from there, not from the newest change it saw, or a quiet
    # account would have its last burst of changes (an import: thousands within the overlap) listed
    # again by every pass. The overlap covers the clocks' difference (Lever's stamps, our start).
    moves = claim.stream in ("opportunities", "deletions") and window.since_ms is None and not window.full
    position = max(result.position or 0, started_ms) if moves else None
    await cursors.finish(
        service.pool, claim, position=position, summary=result.summary(), interval_seconds=interval
    )
    if result.backfill:
        BACKFILL.labels(claim.connection, "listed").set(result.listed)
        BACKFILL.labels(claim.connection, "queued").set(result.queued)
    if result.queued:
        log.info(
            "sweep queued reconciles", connection=claim.connection, stream=claim.stream, queued=result.queued
        )
    return result


async def _run(
    service: Service, claim: cursors.Claim, window: Window, progress: Progress | None, priority: int
) -> StreamResult:
    side = service.lever[claim.connection]
    recipes = [r.recipe for r in side.recipes]
    result = StreamResult(claim.connection, claim.stream, priority=priority)
    result.backfill = claim.stream == "opportunities" and _since(service, claim, window) is None
    if claim.stream == "opportunities":
        if not any(r.subject == "opportunity" for r in recipes):
            result.skipped = "no opportunity recipes"
            return result
        since = _since(service, claim, window)
        # Archived ones too (no `archived` filter), as a reconcile reads each (with its application).
        params: list[tuple[str, Any]] = [("expand", "applications")]
        items = side.client.opportunities(
            params + ([("updated_at_start", since)] if since is not None else [])
        )
        async with service.pool.connection() as conn:
            await lever_reads.forget_old(conn)
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
        if not any(r.when.offer_accepted is not None for r in recipes):
            result.skipped = "no offer recipes"
            return result
        await _check_offers(service, claim, result)
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
    if settings.first_sweep == "backfill" and claim.stream == "opportunities":
        return None
    return int((time.time() - settings.sweep_lookback_seconds) * 1000)


def priority_of(claim: cursors.Claim, window: Window) -> int:
    """A pass over the whole history (`--full`, a new database's backfill) only spends what live
    work and the sweep leave."""
    backfill = window.full or (claim.position is None and window.since_ms is None)
    return PRIORITY_BACKFILL if claim.stream == "opportunities" and backfill else PRIORITY_SWEEP


async def _check_offers(service: Service, claim: cursors.Claim, result: StreamResult) -> None:
    side = service.lever[claim.connection]
    settings = service.config.lever[claim.connection]
    limit = max(5, int(settings.offer_poll_share * settings.requests_per_second * _interval(service, claim)))
    for subject_id, _ in await lever_reads.offers_to_check(service.pool, claim.connection, limit):
        subject = Subject(claim.connection, "opportunity", subject_id)
        try:
            offers = parse_offers(await side.client.offers(subject_id))
        except NotFound:  # deleted in Lever: its reconcile finds out
            offers = ()
        async with service.pool.connection() as conn, conn.transaction():
            if await lever_reads.offers_checked(conn, subject, offers_fingerprint(offers)):
                result.job_ids.append(
                    await defer_reconcile(subject, connection=conn, priority=PRIORITY_SWEEP)
                )
                result.queued += 1
            await cursors.extend(conn, claim)
        result.listed += 1


async def _aiter(items: Iterable[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for item in items:
        yield item


Listed = tuple[str, str, int | None, dict[str, Any] | None]  # kind, id, updatedAt, the page's item


async def _with_updated(items: AsyncIterator[dict[str, Any]], kind: str) -> AsyncIterator[Listed]:
    async for item in items:
        updated = item.get("updatedAt")
        as_read = item if kind == "opportunity" else None
        yield kind, str(item["id"]), int(updated) if isinstance(updated, int | float) else None, as_read


async def _queue_pages(
    service: Service,
    claim: cursors.Claim,
    result: StreamResult,
    items: AsyncIterator[Listed],
    progress: Progress | None,
) -> None:
    page: list[Listed] = []
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
    service: Service, claim: cursors.Claim, result: StreamResult, page: list[Listed]
) -> None:
    """Bumps, reads and jobs of one page in one transaction: a crash leaves all of it queued or none."""
    async with service.pool.connection() as conn, conn.transaction():
        for kind, subject_id, updated_at, as_read in page:
            subject = Subject(claim.connection, kind, subject_id)
            version = await subjects.note_source_updated(conn, subject, updated_at)
            if version is not None:
                if as_read is not None:
                    await lever_reads.keep(conn, subject, version, as_read)
                result.job_ids.append(
                    await defer_reconcile(subject, connection=conn, priority=result.priority)
                )
                result.queued += 1
            if updated_at is not None:
                result.position = max(result.position or updated_at, updated_at)
        await cursors.extend(conn, claim)
    result.listed += len(page)


async def _erase_deleted(
    service: Service, claim: cursors.Claim, result: StreamResult, items: AsyncIterator[dict[str, Any]]
) -> None:
    """Deleted in Lever: each one hirebridge holds anything for is to be erased, by its reconcile."""
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
