"""Audit comments (U10): when hirebridge closes, reopens or re-statuses something it made, the comment
says what changed in Lever, when and by whom, and what hirebridge did about it.

Level-triggered reconciles see states, not events, so the change is told from the current Lever state
and its history (the last stage move, the archive, the offer) next to what the ledger last recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hirebridge.config.models import Recipe
from hirebridge.domain.requisition import RequisitionSnapshot
from hirebridge.domain.snapshot import OpportunitySnapshot

# How Lever's requisition states read in a sentence.
REQUISITION_STATES = {
    "open": "open",
    "onHold": "on hold",
    "closed": "closed",
    "filled": "filled",
    "draft": "a draft",
}


def when(ms: int | None) -> str:
    if not ms:
        return "an unknown time"
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _stage_move(subject: OpportunitySnapshot) -> str:
    by = f" by {subject.stage_changed_by}" if subject.stage_changed_by else ""
    if subject.previous_stage:
        return (
            f"moved from “{subject.previous_stage}” to “{subject.stage.name}”"
            f" at {when(subject.stage_changed_at)}{by}"
        )
    return f"is in “{subject.stage.name}” since {when(subject.stage_changed_at)}{by}"


def opportunity_change(subject: OpportunitySnapshot, recipe: Recipe, closing: bool) -> str:
    """What about the candidate in Lever makes the recipe stop (or start again) applying."""
    archived = subject.archived
    if closing and archived is not None:
        if archived.hired:
            return f"hired (archived as “{archived.reason}”) at {when(archived.at)}"
        return f"archived as “{archived.reason}” at {when(archived.at)}"
    if recipe.when.offer_accepted and subject.offers_read and not subject.offer_accepted and closing:
        offer = subject.accepted_offer
        status = f" (its status is now “{offer.status}”)" if offer is not None else ""
        return f"the accepted offer was withdrawn or declined{status}; the candidate {_stage_move(subject)}"
    if closing:
        return _stage_move(subject)
    state = "active (not archived)" if archived is None else f"hired as “{archived.reason}”"
    return f"the candidate is {state} in “{subject.stage.name}”; last stage change: {_stage_move(subject)}"


def transition_comment(
    subject: OpportunitySnapshot | RequisitionSnapshot,
    recipe: Recipe,
    *,
    closing: bool,
    status: str,
    was: str | None = None,
) -> str:
    """The audit comment for moving one of our issues to `status` (from Jira status `was`)."""
    done = f"moved this issue to “{status}”" + (f" (was “{was}”)" if was else "")
    if isinstance(subject, RequisitionSnapshot):
        state = REQUISITION_STATES.get(subject.state, subject.state)
        return (
            f"Lever: requisition {subject.code} “{subject.name}” is now {state}"
            f" (changed at {when(subject.updated_at)}). hirebridge {done}."
        )
    why = "no longer applies" if closing else "applies again"
    change = opportunity_change(subject, recipe, closing)
    return f"Lever: {change}. The recipe “{recipe.name}” {why}, so hirebridge {done}."
