"""plan(desired, ledger) -> actions: the difference between what should exist and what was done.

Pure and table-tested; the executor in runtime/ performs the actions. Running plan again after the
actions succeeded yields nothing, which is what makes reconciling idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hirebridge.domain.effects import (
    Desired,
    DesiredComment,
    DesiredIssue,
    DesiredNote,
    DesiredOfferCheck,
    DesiredPacket,
    DesiredRequest,
    EffectRecord,
)


@dataclass(frozen=True)
class CreateIssue:
    desired: DesiredIssue


@dataclass(frozen=True)
class UpdateIssue:
    desired: DesiredIssue
    record: EffectRecord


@dataclass(frozen=True)
class TransitionIssue:
    """Move an issue or request to `desired.status` (closing, reopening, keeping in step)."""

    desired: DesiredIssue | DesiredRequest
    record: EffectRecord


@dataclass(frozen=True)
class CreateRequest:
    desired: DesiredRequest


@dataclass(frozen=True)
class PostNote:
    desired: DesiredNote


@dataclass(frozen=True)
class AddComment:
    desired: DesiredComment


@dataclass(frozen=True)
class PreparePacket:
    desired: DesiredPacket
    record: EffectRecord | None


@dataclass(frozen=True)
class WithdrawPacket:
    desired: DesiredPacket
    record: EffectRecord


@dataclass(frozen=True)
class CheckOffer:
    """Check the offer against Justworks' rules and lists; post or change the recruiter's note."""

    desired: DesiredOfferCheck
    record: EffectRecord | None


@dataclass(frozen=True)
class ResolvePending:
    """An intent was recorded but its outcome was not: find the marker before writing again.
    `desired` is None when the effect is no longer wanted: the write may still have happened."""

    desired: Desired | None
    record: EffectRecord


Action = (
    CreateIssue
    | UpdateIssue
    | TransitionIssue
    | CreateRequest
    | PostNote
    | AddComment
    | PreparePacket
    | WithdrawPacket
    | CheckOffer
    | ResolvePending
)
# A packet an admin declined, or whose person joined Justworks, is final: Lever changes no longer
# touch it ("sent" is kept for packets of earlier versions).
PACKET_FINAL = frozenset({"sent", "declined", "joined"})


def _create(want: Desired) -> Action | None:
    if isinstance(want, DesiredIssue):
        return CreateIssue(want) if want.content is not None else None
    if isinstance(want, DesiredRequest):
        return CreateRequest(want) if want.content is not None else None
    if isinstance(want, DesiredNote):
        return PostNote(want)
    if isinstance(want, DesiredComment):
        return AddComment(want)
    if isinstance(want, DesiredOfferCheck):
        return CheckOffer(want, None)
    return PreparePacket(want, None) if want.fields is not None else None


def _change(want: Desired, record: EffectRecord) -> Action | None:
    if isinstance(want, DesiredIssue | DesiredRequest):
        if want.status is not None and want.status.lower() != (record.status or "").lower():
            return TransitionIssue(want, record)
        if isinstance(want, DesiredIssue) and want.content is not None and record.content_hash != want.digest:
            return UpdateIssue(want, record)
        return None
    if isinstance(want, DesiredOfferCheck):
        return CheckOffer(want, record) if record.content_hash != want.digest else None
    if isinstance(want, DesiredPacket) and record.status not in PACKET_FINAL:
        if want.fields is None:
            return WithdrawPacket(want, record) if record.status != "withdrawn" else None
        if record.status == "withdrawn" or record.content_hash != want.digest:
            return PreparePacket(want, record)
    return None


def plan(desired: Sequence[Desired], ledger: Mapping[str, EffectRecord]) -> list[Action]:
    actions: list[Action] = []
    for want in desired:
        record = ledger.get(want.key)
        if record is None:
            action = _create(want)
        elif record.state == "failed":
            action = None  # parked with its reason until replayed
        elif record.state == "pending":
            action = ResolvePending(want, record)
        else:
            action = _change(want, record)
        if action is not None:
            actions.append(action)
    # A worker died between an intent and its outcome, and what it read then changed (a candidate
    # moved back): the effect is no longer wanted, but its write may have reached its target.
    wanted = {want.key for want in desired}
    for key, record in ledger.items():
        if record.state == "pending" and key not in wanted:
            actions.append(ResolvePending(None, record))
    return actions
