"""Reconcile a subject: re-read it from Lever, compute what should exist, apply the difference.

Level-triggered (docs/concepts.md, principle 1): the webhook that caused a run says only *that* something
changed, so duplicated, reordered, late or lost webhooks cannot cause a wrong result.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.connectors.errors import NotFound
from hirebridge.connectors.jira import JiraClient
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.changes import close_orphans, orphans
from hirebridge.domain.context import recipe_context
from hirebridge.domain.coverage import Seen, hints_covered
from hirebridge.domain.effects import EffectRecord, InboundItem, refs_from
from hirebridge.domain.name_index import NameIndex
from hirebridge.domain.offer_stage import find_offer_stage
from hirebridge.domain.offers_seen import offers_fingerprint
from hirebridge.domain.plan import plan
from hirebridge.domain.recipes import CompiledRecipe, evaluate, recipe_applies, unmet_conditions
from hirebridge.domain.requisition import RequisitionSnapshot, build_requisition, requisition_view
from hirebridge.domain.snapshot import (
    Offer,
    OpportunitySnapshot,
    build_snapshot,
    parse_interviews,
    parse_offers,
)
from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.domain.view import full_view, project_view
from hirebridge.runtime.apply import EffectExecutor
from hirebridge.runtime.erasure import DELETED_EVENT, WEBHOOK_REASON, erase, erasure_request
from hirebridge.runtime.reference import LeverReference
from hirebridge.runtime.rollout import fingerprints
from hirebridge.store import console_reads, ledger, lever_reads, lifecycle, subjects
from hirebridge.store import rollout as rollout_store

log = structlog.get_logger(__name__)
MAX_ROUNDS = 6  # plan → apply rounds; a dependency chain (epic → issues → note) is shorter
InboundSource = Callable[[AsyncConnectionPool, Subject], Awaitable[list[InboundItem]]]


@dataclass(frozen=True)
class LeverSide:
    client: LeverClient
    reference: LeverReference
    perform_as_email: str | None
    recipes: Sequence[CompiledRecipe]


async def read_opportunity(
    lever: LeverSide, opportunity_id: str, listed: Mapping[str, Any] | None = None
) -> OpportunitySnapshot | None:
    """`listed`: the opportunity as a list page returned it (`expand=applications`), not read again."""
    if listed is not None:
        opportunity = listed
    else:
        try:
            opportunity = await lever.client.opportunity(opportunity_id)
        except NotFound:
            return None
    applications = opportunity.get("applications") or []
    posting_id = next(
        (a.get("posting") for a in applications if isinstance(a, Mapping) and a.get("posting")), None
    )
    return build_snapshot(
        opportunity,
        stages=await lever.reference.stages.get(),
        archive_reasons=await lever.reference.archive_reasons.get(),
        users=await lever.reference.users(),
        posting=await lever.reference.posting(posting_id) if posting_id else None,
    )


async def read_requisition(lever: LeverSide, requisition_id: str) -> RequisitionSnapshot | None:
    try:
        requisition = await lever.client.requisition(requisition_id)
    except NotFound:
        return None
    return build_requisition(requisition, await lever.reference.users())


@dataclass
class Reconciler:
    pool: AsyncConnectionPool
    config: Config
    lever: Mapping[str, LeverSide]
    jira: Mapping[str, JiraClient]
    inbound: InboundSource | None = None
    packets: Any = None
    names: NameIndex | None = None  # the console's name search; None without the instance's secret

    @functools.cached_property
    def config_fingerprint(self) -> str:
        """Of the whole configuration: what a reconcile read is only trusted under the same recipes."""
        return hashlib.sha256(self.config.model_dump_json().encode()).hexdigest()[:16]

    @functools.cached_property
    def recipes_fingerprints(self) -> dict[tuple[str, str], str]:
        """Per Lever connection and subject kind: the recipes a finished reconcile records it ran under."""
        return fingerprints(self.config)

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
        lever = self.lever[subject.connection]
        recipes = [r for r in lever.recipes if r.recipe.subject == subject.kind]
        fingerprint = self.recipes_fingerprints.get((subject.connection, subject.kind))
        if self.config.moved:
            await self._move(subject)
        # Only a bump without a webhook of its own (a sweep's, the offers poll's…) may come with
        # a list page's read: a webhook-driven run does not look for one, a forced one reads Lever.
        listed = None
        if start.raised > len(start.hints) and subject.kind == "opportunity" and not force:
            listed = await lever_reads.take(self.pool, subject, desired_version)
        loaded = await self._load(lever, subject, recipes, listed)
        if loaded is None:
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
        snapshot, view, stage_index, offers_read = loaded
        if self.names is not None and isinstance(snapshot, OpportunitySnapshot):
            await console_reads.index_names(self.pool, subject, self.names.written(snapshot.name))
        now = datetime.now(UTC)
        inbound = await self.inbound(self.pool, subject) if self.inbound is not None else []
        perform_as = (
            await lever.reference.user_id_by_email(lever.perform_as_email) if lever.perform_as_email else None
        )
        executor = self._executor(subject, perform_as)
        applied, next_due = 0, None
        effects: dict[tuple[str, str], EffectRecord] | None = None
        unmet: dict[str, list[str]] = {}  # per recipe, what of its `when` did not hold: the console's "why"
        profile_url = snapshot.profile_url if isinstance(snapshot, OpportunitySnapshot) else ""
        for recipe in recipes:
            for _ in range(MAX_ROUNDS):
                effects = await ledger.effects_of(self.pool, subject)
                rows = {key: record for (name, key), record in effects.items() if name == recipe.name}
                context = recipe_context(
                    view, recipe.recipe.allow, lookups=self.config.lookups, effects=effects, now=now
                )
                result = evaluate(
                    recipe,
                    snapshot,
                    stage_index=stage_index,
                    context=context,
                    ledger=rows,
                    refs=refs_from(rows),
                    lever_connection=subject.connection,
                    now=now,
                    inbound=inbound,
                    profile_url=profile_url,
                )
                if recipe.name not in unmet:
                    unmet[recipe.name] = (
                        []
                        if result.applies
                        else list(unmet_conditions(recipe, snapshot, stage_index, context))
                    )
                for key, problem in result.problems.items():
                    if rows.get(key) is None or rows[key].state != "failed":
                        await ledger.park(
                            self.pool,
                            subject,
                            recipe=recipe.name,
                            key=key,
                            kind="template",
                            target="template",
                            marker=effect_marker(subject, recipe.name, key),
                            error=f"the recipe's templates failed: {problem}",
                        )
                if result.next_due is not None and (next_due is None or result.next_due < next_due):
                    next_due = result.next_due
                actions = plan(result.desired, rows)
                if not actions:
                    break
                await executor.apply(actions, rows)
                applied += len(actions)
        # The last round read the ledger after every write: orphans are not among what it wrote.
        orphaned = await self._orphans(subject, recipes, executor, effects)
        applied += orphaned
        # The timeline shows each run, when and where it ran and which Lever state it saw (ids only).
        await subjects.finish(
            self.pool,
            subject,
            version=desired_version,
            next_due=next_due,
            seen=self._seen(snapshot),
            action="reconciled",
            watch_offers=offers_read is not None and self._watch_offers(snapshot, recipes, stage_index),
            offers_seen=offers_read,
            detail={
                "started_at": started.isoformat(),
                "finished_at": datetime.now(UTC).isoformat(),
                "pid": os.getpid(),
                "version": desired_version,
                "actions": applied,
                "unmet": unmet,
                **_state_seen(snapshot),
            },
            fingerprint=fingerprint,
        )
        log.info("reconciled", subject=subject.id, kind=subject.kind, actions=applied)
        return f"applied {applied}" if applied else "in sync"

    def _executor(self, subject: Subject, perform_as: str | None) -> EffectExecutor:
        lever = self.lever[subject.connection]
        return EffectExecutor(
            pool=self.pool,
            subject=subject,
            lever=lever.client,
            lever_reference=lever.reference,
            perform_as=perform_as,
            jira=self.jira,
            packets=self.packets,
            search_consistency={name: c.search_consistency_seconds for name, c in self.config.jira.items()},
        )

    async def _erase(self, subject: Subject, start: subjects.Started) -> str:
        """Erase the subject: asked for (its `erasure`), or Lever's signed `candidateDeleted` webhook
        is among its hints (recorded first, so a retry still erases)."""
        request = start.erasure
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
            executor=self._executor(subject, None),
        )

    async def _move(self, subject: Subject) -> None:
        """Renames (`moved`) first, so the plan finds the effects at their new addresses."""
        moved = await rollout_store.move_effects(self.pool, subject, self.config.moved)
        if moved:
            detail = {"moved": [f"{a}/{b} → {c}/{d}" for a, b, c, d in moved]}
            await ledger.audit(self.pool, subject, "moved", detail)

    async def _orphans(
        self,
        subject: Subject,
        recipes: Sequence[CompiledRecipe],
        executor: EffectExecutor,
        effects: Mapping[tuple[str, str], EffectRecord] | None,
    ) -> int:
        """Effects whose recipe or action was removed: handled by the declared policy, never silently
        (under keep and review they are listed by check, plan and status)."""
        if effects is None:
            effects = await ledger.effects_of(self.pool, subject)
        found = orphans(effects, [r.recipe for r in recipes])
        actions = close_orphans(found, self.config.rollout)
        if actions:
            await executor.apply(actions, {})
            detail = {"closed": [f"{a.desired.recipe}/{a.desired.key}" for a in actions]}
            await ledger.audit(self.pool, subject, "orphans-closed", detail)
        return len(actions)

    def _seen(self, snapshot: OpportunitySnapshot | RequisitionSnapshot) -> Seen | None:
        if not isinstance(snapshot, OpportunitySnapshot):
            return None
        return Seen(snapshot.updated_at, snapshot.stage.id, self.config_fingerprint)

    async def _load(
        self,
        lever: LeverSide,
        subject: Subject,
        recipes: Sequence[CompiledRecipe],
        listed: Mapping[str, Any] | None = None,
    ) -> tuple[OpportunitySnapshot | RequisitionSnapshot, dict[str, Any], dict[str, int], str | None] | None:
        """The subject as Lever has it now, and the fingerprint of the offers read (None: not read).
        `listed`: the opportunity as a list page just returned it."""
        stage_index = await lever.reference.stage_index()
        if subject.kind == "requisition":
            requisition = await read_requisition(lever, subject.id)
            return (requisition, requisition_view(requisition), stage_index, None) if requisition else None
        snapshot = await read_opportunity(lever, subject.id, listed)
        if snapshot is None:
            return None
        # Offers and interviews cost a call each: read them only for a recipe that may use them now.
        offers_read = None
        at_offer = snapshot.stage.id in await self._offer_stages(lever, subject.connection, recipes)
        if at_offer and any(self._wants(r, "offer", snapshot, stage_index) for r in recipes):
            snapshot = replace(snapshot, offers=parse_offers(await lever.client.offers(subject.id)))
            offers_read = offers_fingerprint(snapshot.offers)
        if any(self._wants(r, "interview", snapshot, stage_index) for r in recipes):
            interviews = await lever.client.interviews(subject.id)
            snapshot = replace(
                snapshot, interviews=parse_interviews(interviews, await lever.reference.users())
            )
        return snapshot, full_view(snapshot), stage_index, offers_read

    async def _offer_stages(
        self, lever: LeverSide, connection: str, recipes: Sequence[CompiledRecipe]
    ) -> set[str]:
        """Where a candidate's offers can be signed: the account's Offer stage (domain/offer_stage.py)
        and any stage an `offer_accepted` recipe names. Lever offers are made to candidates in the
        Offer stage, so elsewhere they are not read, nor watched by the offers poll."""
        pipeline = await lever.reference.stages.get()
        found = find_offer_stage(pipeline, self.config.lever[connection].offer_stage)
        ids = {str(s["text"]): str(s["id"]) for s in pipeline}
        named = {
            ids[r.recipe.when.stage_reached]
            for r in recipes
            if r.recipe.when.offer_accepted is not None and r.recipe.when.stage_reached in ids
        }
        return named | ({found.id} if found else set())

    @staticmethod
    def _wants(
        recipe: CompiledRecipe, section: str, snapshot: OpportunitySnapshot, stage_index: Mapping[str, int]
    ) -> bool:
        """Whether `recipe` may use the section (offers, interviews) not read yet: it applies when
        that section is as its condition asks. Elsewhere (an earlier stage, archived) the section
        cannot change whether or how the recipe applies, so it is not read."""
        when = recipe.recipe.when.offer_accepted
        if section == "offer" and when is not None:
            probe = replace(snapshot, offers=(Offer("", "signed", {}),) if when else ())
            return recipe_applies(recipe, probe, stage_index, {}, ignore_match=True)
        if not any(grant.startswith(section) for grant in recipe.recipe.allow):
            return False
        # `match` may be about the very data not read yet (e.g. `interviews | length > 0`).
        context = project_view(full_view(snapshot), recipe.recipe.allow)
        return recipe_applies(recipe, snapshot, stage_index, context, ignore_match=True)

    def _watch_offers(
        self,
        snapshot: OpportunitySnapshot | RequisitionSnapshot,
        recipes: Sequence[CompiledRecipe],
        stage_index: Mapping[str, int],
    ) -> bool:
        """The offers poll watches a candidate not archived whose offers a recipe waits for."""
        return (
            isinstance(snapshot, OpportunitySnapshot)
            and snapshot.archived is None
            and any(
                r.recipe.when.offer_accepted is not None and self._wants(r, "offer", snapshot, stage_index)
                for r in recipes
            )
        )


def _state_seen(snapshot: OpportunitySnapshot | RequisitionSnapshot) -> dict[str, Any]:
    if isinstance(snapshot, RequisitionSnapshot):
        return {"status": snapshot.state}
    archived = snapshot.archived
    return {"stage": snapshot.stage.id, "archived": None if archived is None else archived.reason_id}
