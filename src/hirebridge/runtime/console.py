"""The console's facade: every read and action the web console offers, over the running service.

The web layer calls only this (never the store). Reads are pages of indexed queries; candidate
names come from the keyed index (search) and from Lever when a page is shown (never stored); actions
go through the same paths as the CLI (`replay`, the queue) and are recorded with who asked.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import structlog
from psycopg import AsyncConnection

from hirebridge.domain.name_index import NameIndex
from hirebridge.domain.subjects import Subject
from hirebridge.domain.view import project_view
from hirebridge.runtime import console_timeline as timelines
from hirebridge.runtime.budget import spending
from hirebridge.runtime.console_models import (
    AuditRow,
    Cause,
    FailureRow,
    Overview,
    PacketRow,
    Page,
    RecipesView,
    SubjectPlan,
    SubjectRow,
    Timeline,
)
from hirebridge.runtime.service import Service
from hirebridge.store import console_reads, failures

log = structlog.get_logger(__name__)
Defer = Callable[..., Awaitable[int]]
NAMES_SHOWN = 10  # display names read from Lever per page, at most (one call each, live budget)
NAME_READ_SECONDS = 5.0
FAILURES_SCANNED = 10_000  # parked effects grouped by cause, at most
AUDIT_ROWS = 100_000  # an export's rows, at most
_HEXISH = set("0123456789abcdefABCDEF-")


async def _queue_defer(
    subject: Subject, *, connection: AsyncConnection | None = None, priority: int = 0
) -> int:
    from hirebridge.runtime import queue

    return await queue.defer_reconcile(subject, connection=connection, priority=priority)


class Console:
    def __init__(
        self, service: Service, *, defer: Defer | None = None, names: NameIndex | None = None
    ) -> None:
        """`defer`: the queue's port (tests pass their own); `names`: the name index's keys (by
        default the reconciler's, from HIREBRIDGE_SECRET_KEY)."""
        self.service = service
        self.pool = service.pool
        self.defer: Defer = defer if defer is not None else _queue_defer
        self.names = names if names is not None else service.reconciler.names

    @property
    def name_search(self) -> bool:
        """Whether names can be searched (HIREBRIDGE_SECRET_KEY is set); else by Lever id only."""
        return self.names is not None

    # --- candidates and requisitions -------------------------------------------------------------

    async def search(
        self, text: str, *, page: int = 1, per_page: int = 25, viewer: bool = False
    ) -> Page[SubjectRow]:
        """By Lever id (exact or its start, at least 4 characters), a candidate's name or a
        requisition's name or code (every word typed, whole). The first rows carry the name read
        from Lever now."""
        page, per_page = max(1, page), max(1, min(per_page, 100))
        text = text.strip()
        prefix = text.lower() if len(text) >= 4 and set(text) <= _HEXISH else None
        tokens = self.names.searched(text) if self.names is not None else []
        if prefix is None and not tokens:
            return Page([], page, per_page, False)
        rows = await console_reads.search(
            self.pool,
            prefix=prefix,
            tokens=[d for digests in tokens for d in digests],
            wanted=len(tokens),
            limit=per_page + 1,
            offset=(page - 1) * per_page,
        )
        shown = rows[:per_page]
        subjects = [Subject(r["connection"], r["kind"], r["id"]) for r in shown]
        named = [s for s, r in zip(subjects, shown, strict=True) if not r["erased"]][:NAMES_SHOWN]
        names = await self.display_names(named, viewer=viewer)
        stages = {c: await self._stage_names(c) for c in {s.connection for s in subjects}}
        items = [
            SubjectRow(
                subject=s,
                matched_by="id" if prefix is not None and r["id"].lower().startswith(prefix) else "name",
                display_name=names.get(s),
                stage=stages[s.connection].get(r["seen_stage"], r["seen_stage"]) if r["seen_stage"] else None,
                last_synced_at=r["last_synced_at"],
                behind_since=r["behind_since"],
                error=failures.redact(r["last_error"]) if r["last_error"] else None,
                parked=r["parked"],
                erased=r["erased"],
            )
            for s, r in zip(subjects, shown, strict=True)
        ]
        return Page(items, page, per_page, len(rows) > per_page)

    async def display_names(self, subjects: Sequence[Subject], *, viewer: bool = False) -> dict[Subject, str]:
        """Candidate and requisition names read from Lever now, at live priority, never stored; a subject
        Lever does not answer for in time is left out. A viewer sees a candidate's name only where a
        recipe sends it to Jira."""
        if viewer:  # not even read when it would not be shown
            subjects = [
                s for s in subjects if s.connection in self.service.lever and self._name_shown(s, viewer)
            ]
        return {
            s: read["name"] for s, read in (await self._read(subjects, viewer=viewer)).items() if read["name"]
        }

    async def _read(self, subjects: Sequence[Subject], *, viewer: bool) -> dict[Subject, dict[str, str]]:
        """Name and profile link of each opportunity, name and code of each requisition, as Lever
        answers now."""
        wanted = [s for s in subjects if s.connection in self.service.lever]

        async def one(subject: Subject) -> tuple[Subject, dict[str, str] | None]:
            client = self.service.lever[subject.connection].client
            read = client.requisition if subject.kind == "requisition" else client.opportunity
            try:
                with spending("live"):
                    body = await asyncio.wait_for(read(subject.id), NAME_READ_SECONDS)
            except Exception as exc:  # a name is a nicety: the page shows the id instead
                log.info("console name not read", subject=subject.id, error=type(exc).__name__)
                return subject, None
            if subject.kind == "requisition":
                name = " ".join(str(body.get(k) or "") for k in ("name", "requisitionCode")).strip()
                return subject, {"name": name, "url": ""}
            shown = self._name_shown(subject, viewer)
            url = (body.get("urls") or {}).get("show") if isinstance(body.get("urls"), Mapping) else None
            return subject, {"name": str(body.get("name") or "") if shown else "", "url": str(url or "")}

        found = await asyncio.gather(*(one(s) for s in wanted))
        return {s: read for s, read in found if read is not None}

    def _name_shown(self, subject: Subject, viewer: bool) -> bool:
        """A requisition's name is no one's personal data; a candidate's is shown to a viewer only
        where a recipe already sends it out."""
        return not viewer or subject.kind == "requisition" or self.viewer_sees_names(subject.connection)

    def viewer_sees_names(self, connection: str) -> bool:
        """Whether a recipe of this Lever connection already sends the candidate's name out."""
        probe = {"candidate": {"name": "x"}}
        return any(
            project_view(probe, r.recipe.allow).get("candidate", {}).get("name") is not None
            for r in self.service.lever[connection].recipes
        )

    async def timeline(self, subject: Subject, *, viewer: bool) -> Timeline:
        """Webhooks, reconciles (with the stage they saw), effects with their links, parked errors
        redacted, and why each recipe applied or not as the last reconcile read the subject."""
        found = await console_reads.timeline(self.pool, subject)
        row = await console_reads.subject(self.pool, subject)
        read = {} if row is None or row["erasure"] else await self._read([subject], viewer=viewer)
        return timelines.build(
            subject,
            row,
            found,
            display_name=read.get(subject, {}).get("name") or None,
            recipes=[r.name for r in self._recipes(subject)],
            stages=await self._stage_names(subject.connection),
            browse={name: client.base_url for name, client in self.service.jira.items()},
            lever_url=read.get(subject, {}).get("url") or None,
            viewer=viewer,
        )

    async def plan(self, subject: Subject, *, viewer: bool = False) -> SubjectPlan:
        """What a reconcile would do now: the dry run (the subject read from Lever at live priority,
        the ledger copied, nothing written), with each recipe's verdict on what was read. A plan
        shows what would be sent; for a viewer, a packet's fields (for Justworks, not Jira) are not."""
        from hirebridge.runtime import dry_run

        with spending("live"):
            dry = await dry_run.plan_subject(self.service, subject)
        if viewer:
            dry.writes = [replace(w, detail={}) if w.op == "packet" else w for w in dry.writes]
        names = [r.name for r in self._recipes(subject)]
        return SubjectPlan(subject, dry, timelines.verdicts(names, dry.unmet if dry.found else None))

    async def reconcile(self, subject: Subject, actor: str) -> None:
        """Queue a reconcile of the subject at live priority, even if it is in sync."""
        from hirebridge.store import ledger, subjects

        async with self.pool.connection() as conn, conn.transaction():
            await subjects.bump(conn, subject)
            await ledger.audit(conn, subject, "reconcile-asked", {}, actor=actor)
            await self.defer(subject, connection=conn)

    # --- failures --------------------------------------------------------------------------------

    async def failures(
        self, cause: str | None = None, *, page: int = 1, per_page: int = 50
    ) -> Page[FailureRow]:
        """Parked effects, newest first; `cause`: only those of one cause (`causes()`)."""
        page, per_page = max(1, page), max(1, min(per_page, 200))
        start = (page - 1) * per_page
        if cause is None:  # the page and one row more, read in order from the partial index
            rows = await self._failure_rows(limit=start + per_page + 1)
        else:
            rows = [r for r in await self._failure_rows() if r.cause == cause]
        return Page(rows[start : start + per_page], page, per_page, len(rows) > start + per_page)

    async def causes(self) -> list[Cause]:
        """Parked effects grouped by cause, the largest group first."""
        groups: dict[str, list[FailureRow]] = {}
        for row in await self._failure_rows():
            groups.setdefault(row.cause, []).append(row)
        found = [
            Cause(cause, rows[0].kind, rows[0].target, timelines.cause_text(rows[0].reason), len(rows))
            for cause, rows in groups.items()
        ]
        return sorted(found, key=lambda c: (-c.count, c.cause))

    async def retry(self, effect: str, actor: str) -> bool:
        """As `hirebridge replay --effect`: the parked effect is reset and its subject reconciled at
        once. False when it is not parked (any more)."""
        if not effect.isdigit():
            return False
        row = await console_reads.failed_effect(self.pool, int(effect))
        if row is None:
            return False
        which = failures.EffectFilter(
            row["connection"],
            kind=row["subject_kind"],
            id=row["subject_id"],
            recipe=row["recipe"],
            key=row["key"],
        )
        return bool(await failures.replay(self.pool, which, defer=self.defer, actor=actor))

    async def retry_cause(self, cause: str, actor: str) -> int:
        """Retry every effect parked for this cause; how many were reset."""
        done = 0
        for row in await self._failure_rows():
            if row.cause == cause and await self.retry(row.effect, actor):
                done += 1
        return done

    async def _failure_rows(self, *, limit: int = FAILURES_SCANNED) -> list[FailureRow]:
        return [
            FailureRow(
                effect=str(p.id),
                subject=Subject(p.connection, p.subject_kind, p.subject_id),
                recipe=p.recipe,
                key=p.key,
                kind=p.kind,
                target=p.target,
                reason=p.reason,
                cause=timelines.cause_of(p.kind, p.target, p.reason),
                attempts=p.attempts,
                last_try=p.last_try,
            )
            for p in await failures.parked(self.pool, limit=limit)
        ]

    # --- packets, recipes, overview --------------------------------------------------------------

    async def packets(
        self, status: str | None = None, *, page: int = 1, per_page: int = 50, viewer: bool = False
    ) -> Page[PacketRow]:
        from hirebridge.runtime import console_views

        return await console_views.packets(self, status, page=page, per_page=per_page, viewer=viewer)

    async def review_link(self, packet_id: str, actor: str) -> str | None:
        """A review link for this admin (the page emailed admins reach), minted now; None if no such
        packet. The path only: the console serves it on its own origin."""
        from hirebridge.runtime import console_views

        return await console_views.review_link(self, packet_id, actor)

    async def recipes(self) -> RecipesView:
        from hirebridge.runtime import console_views

        return await console_views.recipes(self)

    async def request_plan(self, actor: str) -> int:
        """Queue a plan of every subject under the deployed recipes (background priority); while one
        has not finished, that one. Recorded with who asked."""
        from hirebridge.runtime import plan_runs

        run_id, added = await plan_runs.request(self.pool, actor)
        await self.record(actor, "plan-requested", {"run": run_id, "queued": added})
        return run_id

    async def overview(self, *, hours: int = 6, bucket_minutes: int = 10) -> Overview:
        from hirebridge.runtime import console_views

        return await console_views.overview(self, hours=hours, bucket_minutes=bucket_minutes)

    # --- audit -----------------------------------------------------------------------------------

    async def audit(self, start: datetime, end: datetime) -> list[AuditRow]:
        """The audit trail of [start, end): the subjects' timelines and the console's actions."""
        rows = await console_reads.audit(self.pool, start, end, limit=AUDIT_ROWS)
        return [
            AuditRow(
                id=r["id"],
                at=r["at"],
                actor=r["actor"],
                action=r["action"],
                subject=Subject(r["connection"], r["subject_kind"], r["subject_id"])
                if r["subject_id"]
                else None,
                detail=dict(r["detail"]),
            )
            for r in rows
        ]

    async def audit_csv(self, start: datetime, end: datetime) -> str:
        return timelines.audit_csv(await self.audit(start, end))

    async def audit_json(self, start: datetime, end: datetime) -> str:
        return json.dumps([timelines.audit_dict(r) for r in await self.audit(start, end)], indent=1)

    async def record(
        self, actor: str, action: str, detail: Mapping[str, Any], *, subject: Subject | None = None
    ) -> None:
        """A console action (sign-in, a user change, …) in the audit trail with who did it. No
        candidate data in `detail`: it is exported as is."""
        await console_reads.record(self.pool, subject, action, dict(detail), actor)

    # --- helpers ---------------------------------------------------------------------------------

    def _recipes(self, subject: Subject) -> list[Any]:
        side = self.service.lever.get(subject.connection)
        return [r for r in side.recipes if r.recipe.subject == subject.kind] if side else []

    async def _stage_names(self, connection: str) -> dict[str, str]:
        """Stage ids to names from the reference cache (read from Lever at most every few minutes)."""
        side = self.service.lever.get(connection)
        if side is None:
            return {}
        try:
            with spending("live"):
                stages = await asyncio.wait_for(side.reference.stages.get(), NAME_READ_SECONDS)
        except Exception:  # the ids are shown instead
            return {}
        return {str(s["id"]): str(s["text"]) for s in stages}
