"""Whether the webhooks that queued a reconcile were already reflected in the previous one's read.

A reconcile reads the opportunity from Lever, so every change made before that read is in what it
saw. A webhook that arrives after the read began still queues a reconcile (the read may have missed
it), but it often describes a change the read did see: Lever delivers late, out of order and
several times. Re-reading for such a webhook costs a Lever call (10 per second per account) and
changes nothing, so the next reconcile is skipped when each of its webhooks is provably covered:

- triggered before the newest change the read saw (`triggeredAt` < the opportunity's `updatedAt`,
  both Lever's clock): changes to one opportunity are ordered, so an earlier one is in the read; or
- a stage change to the very stage the read saw: it tells nothing the read did not. Had the
  candidate moved away and back since, the move away has its own webhook, which is not covered.

Anything else — a hint with no Lever timestamp (sweep, reminder, Jira, replay), a reconcile that did
not finish, recipes changed since — means a full reconcile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

STAGE_CHANGE = "candidateStageChange"


@dataclass(frozen=True)
class Seen:
    """What the last finished reconcile read: the opportunity's `updatedAt` and stage, and a
    fingerprint of the recipes it ran."""

    updated_at: int | None
    stage: str | None
    recipes: str


@dataclass(frozen=True)
class Hint:
    """A stored webhook about the subject, received since the last reconcile started."""

    source: str
    event: str
    triggered_at: int | None
    to_stage: str | None = None


def already_seen(hint: Hint, seen: Seen) -> bool:
    if hint.source != "lever" or hint.triggered_at is None:
        return False
    if seen.updated_at is not None and hint.triggered_at < seen.updated_at:
        return True
    return hint.event == STAGE_CHANGE and hint.to_stage is not None and hint.to_stage == seen.stage


def hints_covered(hints: Sequence[Hint], *, raised: int, seen: Seen | None, recipes: str) -> bool:
    """True when the reconcile can be skipped: `raised` (how much the subject's version rose since
    the last start) is accounted for by `hints`, and each of them is already in `seen`."""
    if seen is None or seen.recipes != recipes or not hints or len(hints) != raised:
        return False
    return all(already_seen(hint, seen) for hint in hints)
