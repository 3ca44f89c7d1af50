"""Reading a subject from Lever into the `Observed` value a reconcile (or a plan) evaluates.

Offers and interviews cost a call each: they are read only for a recipe that may use them now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from hirebridge.connectors.errors import NotFound
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.observed import Observed
from hirebridge.domain.offer_stage import find_offer_stage
from hirebridge.domain.offers_seen import offers_fingerprint
from hirebridge.domain.recipes import CompiledRecipe, recipe_applies
from hirebridge.domain.requisition import RequisitionSnapshot, build_requisition, requisition_view
from hirebridge.domain.snapshot import (
    Offer,
    OpportunitySnapshot,
    build_snapshot,
    parse_interviews,
    parse_offers,
)
from hirebridge.domain.subjects import Subject
from hirebridge.domain.view import full_view, project_view
from hirebridge.runtime.reference import LeverReference


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


async def observe(
    lever: LeverSide,
    subject: Subject,
    recipes: Sequence[CompiledRecipe],
    *,
    offer_stage: str | None,
    listed: Mapping[str, Any] | None = None,
) -> Observed | None:
    """The subject as Lever has it now, or None when Lever does not show it. `offer_stage`: the
    connection's configured name of its Offer stage; `listed`: the opportunity as a list page just
    returned it."""
    stage_index = await lever.reference.stage_index()
    if subject.kind == "requisition":
        requisition = await read_requisition(lever, subject.id)
        if requisition is None:
            return None
        return Observed(subject, requisition, requisition_view(requisition), stage_index, datetime.now(UTC))
    snapshot = await read_opportunity(lever, subject.id, listed)
    if snapshot is None:
        return None
    offers_read = None
    at_offer = snapshot.stage.id in await offer_stages(lever, offer_stage, recipes)
    if at_offer and any(wants(r, "offer", snapshot, stage_index) for r in recipes):
        offers = parse_offers(await lever.client.offers(subject.id))
        snapshot = replace(snapshot, offers=offers, offers_read=True)
        offers_read = offers_fingerprint(snapshot.offers)
    if any(wants(r, "interview", snapshot, stage_index) for r in recipes):
        interviews = await lever.client.interviews(subject.id)
        snapshot = replace(snapshot, interviews=parse_interviews(interviews, await lever.reference.users()))
    now = datetime.now(UTC)
    return Observed(subject, snapshot, full_view(snapshot), stage_index, now, offers_read=offers_read)


async def offer_stages(
    lever: LeverSide, offer_stage: str | None, recipes: Sequence[CompiledRecipe]
) -> set[str]:
    """Where a candidate's offers can be signed: the account's Offer stage (domain/offer_stage.py)
    and any stage an `offer_accepted` recipe names. Lever offers are made to candidates in the
    Offer stage, so elsewhere they are not read, nor watched by the offers poll."""
    pipeline = await lever.reference.stages.get()
    found = find_offer_stage(pipeline, offer_stage)
    ids = {str(s["text"]): str(s["id"]) for s in pipeline}
    named = {
        ids[r.recipe.when.stage_reached]
        for r in recipes
        if r.recipe.when.offer_accepted is not None and r.recipe.when.stage_reached in ids
    }
    return named | ({found.id} if found else set())


def wants(
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


def watch_offers(observed: Observed, recipes: Sequence[CompiledRecipe]) -> bool:
    """The offers poll watches a candidate not archived whose offers a recipe waits for."""
    snapshot = observed.snapshot
    return (
        isinstance(snapshot, OpportunitySnapshot)
        and snapshot.archived is None
        and any(
            r.recipe.when.offer_accepted is not None and wants(r, "offer", snapshot, observed.stage_index)
            for r in recipes
        )
    )
