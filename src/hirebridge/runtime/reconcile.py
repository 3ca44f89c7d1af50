"""reconcile_opportunity: re-read the opportunity, compute what should exist, apply the difference.

Level-triggered (DESIGN.md principle 1): the webhook that caused a run says only *that* something
changed, so duplicated, reordered, late or lost webhooks cannot cause a wrong result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.connectors.errors import NotFound
from hirebridge.connectors.jira import JiraClient
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.effects import refs_from
from hirebridge.domain.plan import plan
from hirebridge.domain.recipes import CompiledRecipe, desired_effects, is_active
from hirebridge.domain.snapshot import OpportunitySnapshot, build_snapshot, parse_offers
from hirebridge.domain.subjects import Subject
from hirebridge.runtime.apply import EffectExecutor
from hirebridge.runtime.reference import LeverReference
from hirebridge.store import ledger, subjects

log = structlog.get_logger(__name__)
MAX_ROUNDS = 6  # plan → apply rounds; a recipe's dependency chain (epic → issues → note) is shorter


@dataclass(frozen=True)
class LeverSide:
    client: LeverClient
    reference: LeverReference
    perform_as_email: str | None
    recipes: Sequence[CompiledRecipe]
    needs_offers: bool


async def read_snapshot(lever: LeverSide, opportunity_id: str) -> OpportunitySnapshot | None:
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


async def reconcile_opportunity(
    *,
    pool: AsyncConnectionPool,
    subject: Subject,
    lever: LeverSide,
    jira: Mapping[str, JiraClient],
    search_consistency: Mapping[str, float],
    force: bool = False,
) -> str:
    """Bring the subject's effects in line with its current Lever state. Returns what happened."""
    desired_version, synced_version = await subjects.versions(pool, subject)
    if synced_version >= desired_version and desired_version > 0 and not force:
        return "coalesced"
    snapshot = await read_snapshot(lever, subject.id)
    if snapshot is None:
        await ledger.audit(pool, subject, "not-found", {})
        await subjects.mark_synced(pool, subject, desired_version)
        return "not-found"
    perform_as = (
        await lever.reference.user_id_by_email(lever.perform_as_email) if lever.perform_as_email else None
    )
    executor = EffectExecutor(
        pool=pool,
        subject=subject,
        lever=lever.client,
        perform_as=perform_as,
        jira=jira,
        search_consistency=search_consistency,
    )
    stage_index = await lever.reference.stage_index()
    # Offers cost a call and matter only to a recipe that applies now and reads them.
    if lever.needs_offers and any(is_active(r.recipe, snapshot, stage_index) for r in lever.recipes):
        snapshot = replace(snapshot, offers=parse_offers(await lever.client.offers(subject.id)))
    applied = 0
    for recipe in lever.recipes:
        for _ in range(MAX_ROUNDS):
            rows = {
                key: record
                for (name, key), record in (await ledger.effects_of(pool, subject)).items()
                if name == recipe.name
            }
            desired = desired_effects(
                recipe,
                snapshot,
                stage_index=stage_index,
                ledger=rows,
                refs=refs_from(rows),
                lever_connection=subject.connection,
            )
            actions = plan(desired, rows)
            if not actions:
                break
            await executor.apply(actions, rows)
            applied += len(actions)
    await subjects.mark_synced(pool, subject, desired_version)
    log.info("reconciled", subject=subject.id, actions=applied, stage=snapshot.stage.name)
    return f"applied {applied}" if applied else "in sync"
