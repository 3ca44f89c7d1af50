"""plan(desired, ledger) -> actions: the difference between what should exist and what was done.

Pure and table-tested; the executor in runtime/ performs the actions. Running plan again after the
actions succeeded yields nothing, which is what makes reconciling idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hirebridge.domain.effects import Desired, DesiredIssue, DesiredNote, EffectRecord


@dataclass(frozen=True)
class CreateIssue:
    desired: DesiredIssue


@dataclass(frozen=True)
class UpdateIssue:
    desired: DesiredIssue
    record: EffectRecord


@dataclass(frozen=True)
class TransitionIssue:
    desired: DesiredIssue
    record: EffectRecord


@dataclass(frozen=True)
class PostNote:
    desired: DesiredNote


@dataclass(frozen=True)
class ResolvePending:
    """An intent was recorded but its outcome was not: find the marker before writing again."""

    desired: Desired
    record: EffectRecord


Action = CreateIssue | UpdateIssue | TransitionIssue | PostNote | ResolvePending


def plan(desired: Sequence[Desired], ledger: Mapping[str, EffectRecord]) -> list[Action]:
    actions: list[Action] = []
    for want in desired:
        record = ledger.get(want.key)
        if record is None:
            if isinstance(want, DesiredNote):
                actions.append(PostNote(want))
            elif want.phase == "open":
                actions.append(CreateIssue(want))
            continue
        if record.state == "failed":
            continue  # parked with its reason until replayed
        if record.state == "pending":
            actions.append(ResolvePending(want, record))
            continue
        if not isinstance(want, DesiredIssue):
            continue
        if record.phase != want.phase:
            actions.append(TransitionIssue(want, record))
        elif want.content is not None and record.content_hash != want.content.digest:
            actions.append(UpdateIssue(want, record))
    return actions
