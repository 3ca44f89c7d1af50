"""Reconcile a subject: re-read it from Lever, compute what should exist, apply the difference.

Level-triggered (docs/concepts.md, principle 1): the webhook that caused a run says only *that* something
changed, so duplicated, reordered, late or lost webhooks cannot cause a wrong result.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.changes import Moved
from hirebridge.config.models import Config
from hirebridge.connectors.jira import JiraClient
from hirebridge.domain.changes import close_orphans, orphans
from hirebridge.domain.context import recipe_context
from hirebridge.domain.coverage import Seen, hints_covered
from hirebridge.domain.effects import EffectRecord, InboundItem
from hirebridge.domain.name_index import NameIndex, searchable
from hirebridge.domain.observed import Observed
from hirebridge.domain.plan import Action, plan
from hirebridge.domain.recipes import CompiledRecipe, evaluate, unmet_conditions
from hirebridge.domain.requisition import RequisitionSnapshot
from hirebridge.domain.snapshot import OpportunitySnapshot
from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.runtime.apply import EffectExecutor
from hirebridge.runtime.effect_context import EffectContext
from hirebridge.runtime.erasure import DELETED_EVENT, WEBHOOK_REASON, erase, erasure_request
from hirebridge.runtime.observe import LeverSide, observe, watch_offers
from hirebridge.runtime.packets import PacketsPort
from hirebridge.runtime.rollout import fingerprints
from hirebridge.store import console_reads, ledger, lever_reads, lifecycle, subjects
from hirebridge.store import rollout as rollout_store

log = structlog.get_logger(__name__)
MAX_ROUNDS = 6  # plan → apply rounds; a dependency chain (epic → issues → note) is shorter
MAX_PASSES = 3  # passes over every recipe; a write seen by an earlier recipe needs only one more
InboundSource = Callable[[AsyncConnectionPool, Subject], Awaitable[list[InboundItem]]]
Effects = dict[tuple[str, str], EffectRecord]


class Port(Protocol):
    """Where the loop reads a subject's ledger and sends what it planned: the executor writing
    through the store (`LivePort`), or a copy of the ledger recording what would be written."""

    async def effects(self) -> Effects: ...

    async def move(self, moves: Sequence[Moved]) -> int: ...

    async def park(self, recipe: str, key: str, problem: str) -> None: ...

    async def apply(self, actions: Sequence[Action], rows: Mapping[str, EffectRecord]) -> None: ...


@dataclass
class Outcome:
    """What one pass of the loop saw and did. `observed` None: Lever does not show the subject."""

    observed: Observed | None
    moved: int = 0
    applied: int = 0
    next_due: datetime | None = None
    orphans: list[EffectRecord] = field(default_factory=list)
    closed: list[Action] = field(default_factory=list)
    unmet: dict[str, list[str]] = field(default_factory=dict)  # recipe → what of its `when` did not hold


class LivePort:
    """The store's ledger and the executor; a template error is parked in the ledger. The executor
    is built at the first write: a run with nothing to do does not look up who notes are posted as."""

    def __init__(
        self, pool: AsyncConnectionPool, subject: Subject, executor: Callable[[], Awaitable[EffectExecutor]]
    ) -> None:
        self.pool = pool
        self.subject = subject
        self._build = executor
        self._executor: EffectExecutor | None = None

    async def effects(self) -> Effects:
        return await ledger.effects_of(self.pool, self.subject)

    async def move(self, moves: Sequence[Moved]) -> int:
        moved = await rollout_store.move_effects(self.pool, self.subject, moves)
        if moved:
            detail = {"moved": [f"{a}/{b} → {c}/{d}" for a, b, c, d in moved]}
            await ledger.audit(self.pool, self.subject, "moved", detail)
        return len(moved)

    async def park(self, recipe: str, key: str, problem: str) -> None:
        await ledger.park(
            self.pool,
            self.subject,
            recipe=recipe,
            key=key,
            kind="template",
            target="template",
            marker=effect_marker(self.subject, recipe, key),
            error=f"the recipe's templates failed: {problem}",
        )

    async def apply(self, actions: Sequence[Action], rows: Mapping[str, EffectRecord]) -> None:
        if self._executor is None:
            self._executor = await self._build()
        await self._executor.apply(actions, rows)


@dataclass
class Reconciler:
    pool: AsyncConnectionPool
    config: Config
    lever: Mapping[str, LeverSide]
    jira: Mapping[str, JiraClient]
    inbound: InboundSource | None = None
    packets: PacketsPort | None = None
    names: NameIndex | None = None  # the console's name search; None without the instance's secret

    @functools.cached_property
    def config_fingerprint(self) -> str:
        """Of the whole configuration: what a reconcile read is only trusted under the same recipes."""
        return hashlib.sha256(self.config.model_dump_json().encode()).hexdigest()[:16]

    @functools.cached_property
    def recipes_fingerprints(self) -> dict[tuple[str, str], str]:
        """Per Lever connection and subject kind: the recipes a finished reconcile records it ran under."""
        return fingerprints(self.config)

    def recipes(self, subject: Subject) -> list[CompiledRecipe]:
        return [r for r in self.lever[subject.connection].recipes if r.recipe.subject == subject.kind]

    async def run(
        self,
        subject: Subject,
        port: Port,
        *,
        listed: Mapping[str, Any] | None = None,
        now: datetime | None = None,
    ) -> Outcome:
        """The loop `reconcile` and `plan` share: declared renames first, so the plan finds the
        effects at their new addresses; the subject read from Lever; then each recipe evaluated and
        planned against the ledger and its actions applied, round after round until nothing is left
        to do (an epic's children wait for the epic), and every recipe once more after a pass that
        wrote (a recipe reads what others made: `linked_issues`, `justworks`); last, the effects no
        recipe owns any more. The ledger is read again only after a write or a park."""
        recipes = self.recipes(subject)
        outcome = Outcome(None)
        if self.config.moved:
            outcome.moved = await port.move(self.config.moved)
        lever = self.lever[subject.connection]
        offer_stage = self.config.lever[subject.connection].offer_stage
        observed = await observe(lever, subject, recipes, offer_stage=offer_stage, listed=listed)
        if observed is None:
            return outcome
        inbound = await self.inbound(self.pool, subject) if self.inbound is not None else ()
        outcome.observed = observed = replace(observed, inbound=inbound, now=now or observed.now)
        effects = await port.effects()
        for _ in range(MAX_PASSES):
            wrote = False
            for recipe in recipes:
                effects, written = await self._rounds(recipe, observed, effects, port, outcome)
                wrote = wrote or written
            if not wrote:
                break
        # Effects whose recipe or action was removed: handled by the declared policy, never silently
        # (under keep and review they are listed by check, plan and status).
        outcome.orphans = orphans(effects, [r.recipe for r in recipes])
        outcome.closed = close_orphans(outcome.orphans, self.config.rollout)
        if outcome.closed:
            await port.apply(outcome.closed, {})
            outcome.applied += len(outcome.closed)
        return outcome

    async def _rounds(
        self, recipe: CompiledRecipe, observed: Observed, effects: Effects, port: Port, outcome: Outcome
    ) -> tuple[Effects, bool]:
        """One recipe planned and applied until it has nothing left to do: the ledger as it is after,
        and whether anything was written."""
        wrote = False
        for _ in range(MAX_ROUNDS):
            rows = {key: record for (name, key), record in effects.items() if name == recipe.name}
            context = recipe_context(
                observed.view,
                recipe.recipe.allow,
                lookups=self.config.lookups,
                effects=effects,
                now=observed.now,
            )
            result = evaluate(recipe, observed, context=context, ledger=rows)
            if recipe.name not in outcome.unmet:  # the console's "why", from the first round
                outcome.unmet[recipe.name] = (
                    []
                    if result.applies
                    else list(unmet_conditions(recipe, observed.snapshot, observed.stage_index, context))
                )
            parked = [k for k in result.problems if rows.get(k) is None or rows[k].state != "failed"]
            for key in parked:
                await port.park(recipe.name, key, result.problems[key])
            due = result.next_due
            if due is not None and (outcome.next_due is None or due < outcome.next_due):
                outcome.next_due = due
            actions = plan(result.desired, rows)
            if actions:
                await port.apply(actions, rows)
                outcome.applied += len(actions)
            if parked or actions:
                effects = await port.effects()
            if not actions:
                break
            wrote = True
        return effects, wrote

    async def reconcile(self, subject: Subject, *, force: bool = False) -> str:
        """Bring the subject's effects in line with its current Lever state. Returns what happened."""
        start = await subjects.start(self.pool, subject)
        desired_version = start.desired
        if start.synced >= desired_version and desired_version > 0 and not force:
            return "coalesced"
        if start.erasure is not None or any(h.event == DELETED_EVENT for h in start.hints):
            return await self._erase(subject, start)
        if not force and hints_covered(
            start.hints, raised=start.raised, seen=start.seen, recipes=self.config_fingerprint
        ):
            detail = {"version": desired_version, "webhooks": len(start.hints)}
            await subjects.skip(self.pool, subject, version=desired_version, detail=detail)
            return "covered"
        started = datetime.now(UTC)
        fingerprint = self.recipes_fingerprints.get((subject.connection, subject.kind))
        # Only a bump without a webhook of its own (a sweep's, the offers poll's…) may come with
        # a list page's read: a webhook-driven run does not look for one, a forced one reads Lever.
        listed = None
        if start.raised > len(start.hints) and subject.kind == "opportunity" and not force:
            listed = await lever_reads.take(self.pool, subject, desired_version)
        outcome = await self.run(
            subject, LivePort(self.pool, subject, lambda: self._executor(subject)), listed=listed
        )
        observed = outcome.observed
        if observed is None:
            if subject.kind == "opportunity":  # deleted, or not visible: the deletions stream confirms
                await lifecycle.wake_deletions(self.pool, subject.connection)
            await subjects.finish(
                self.pool,
                subject,
                version=desired_version,
                next_due=None,
                seen=None,
                action="not-found",
                detail={},
                fingerprint=fingerprint,
            )
            return "not-found"
        if self.names is not None:
            await console_reads.index_names(
                self.pool, subject, self.names.written(searchable(observed.snapshot))
            )
        if outcome.closed:
            detail = {"closed": [f"{a.desired.recipe}/{a.desired.key}" for a in outcome.closed]}
            await ledger.audit(self.pool, subject, "orphans-closed", detail)
        # The timeline shows each run, when and where it ran and which Lever state it saw (ids only).
        await subjects.finish(
            self.pool,
            subject,
            version=desired_version,
            next_due=outcome.next_due,
            seen=self._seen(observed.snapshot),
            action="reconciled",
            watch_offers=observed.offers_read is not None and watch_offers(observed, self.recipes(subject)),
            offers_seen=observed.offers_read,
            detail={
                "started_at": started.isoformat(),
                "finished_at": datetime.now(UTC).isoformat(),
                "pid": os.getpid(),
                "version": desired_version,
                "unmet": outcome.unmet,
                "actions": outcome.applied,
                **_state_seen(observed.snapshot),
            },
            fingerprint=fingerprint,
        )
        log.info("reconciled", subject=subject.id, kind=subject.kind, actions=outcome.applied)
        return f"applied {outcome.applied}" if outcome.applied else "in sync"

    async def _executor(self, subject: Subject, *, as_lever_user: bool = True) -> EffectExecutor:
        lever = self.lever[subject.connection]
        perform_as = None
        if as_lever_user and lever.perform_as_email:
            perform_as = await lever.reference.user_id_by_email(lever.perform_as_email)
        context = EffectContext(
            pool=self.pool,
            subject=subject,
            lever=lever.client,
            reference=lever.reference,
            perform_as=perform_as,
            jira=self.jira,
            search_consistency={name: c.search_consistency_seconds for name, c in self.config.jira.items()},
            packets=self.packets,
        )
        return EffectExecutor(context)

    async def _erase(self, subject: Subject, start: subjects.Started) -> str:
        """Erase the subject: asked for (its `erasure`), or Lever's signed `candidateDeleted` webhook
        is among its hints (recorded first, so a retry still erases)."""
        request = start.erasure
        # A list page read as the candidate was being erased: not kept either.
        await lever_reads.take(self.pool, subject, start.desired)
        if request is None:
            by = await lifecycle.deleted_by(self.pool, subject)
            async with self.pool.connection() as conn:
                request = await lifecycle.request_erasure(
                    conn, subject, erasure_request(f"lever:{by}" if by else "lever", WEBHOOK_REASON)
                )
        policies = {r.name: r.recipe.on_erasure for r in self.lever[subject.connection].recipes}
        return await erase(
            self.pool,
            subject,
            request,
            version=start.desired,
            policies=policies,
            executor=await self._executor(subject, as_lever_user=False),
        )

    def _seen(self, snapshot: OpportunitySnapshot | RequisitionSnapshot) -> Seen | None:
        if not isinstance(snapshot, OpportunitySnapshot):
            return None
        return Seen(snapshot.updated_at, snapshot.stage.id, self.config_fingerprint)


def _state_seen(snapshot: OpportunitySnapshot | RequisitionSnapshot) -> dict[str, Any]:
    if isinstance(snapshot, RequisitionSnapshot):
        return {"status": snapshot.state}
    archived = snapshot.archived
    return {"stage": snapshot.stage.id, "archived": None if archived is None else archived.reason_id}
