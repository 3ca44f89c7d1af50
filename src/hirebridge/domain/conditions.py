"""Whether a recipe applies to a subject now. Level, not edge: re-checked on every change."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from hirebridge.config.models import Condition
from hirebridge.domain.requisition import RequisitionSnapshot
from hirebridge.domain.snapshot import OpportunitySnapshot


def _one_of(value: str, allowed: list[str] | None) -> bool:
    return allowed is None or value.casefold() in {a.casefold() for a in allowed}


def _archive_ok(condition: Condition, snapshot: OpportunitySnapshot) -> bool:
    archived = snapshot.archived
    wanted = condition.archived
    if wanted is None:
        ok = archived is None or archived.hired
    elif wanted == "no":
        ok = archived is None
    elif wanted == "any":
        ok = archived is not None
    elif wanted == "hired":
        ok = archived is not None and archived.hired
    else:
        ok = archived is not None and not archived.hired
    if condition.archive_reasons is not None:
        ok = ok and archived is not None and _one_of(archived.reason, condition.archive_reasons)
    return ok


def opportunity_applies(
    condition: Condition,
    snapshot: OpportunitySnapshot,
    stage_index: Mapping[str, int],
    match: Callable[[], bool],
) -> bool:
    if condition.stage_reached is not None:
        target = stage_index.get(condition.stage_reached)
        if target is None or snapshot.stage.index < target:
            return False
    if condition.in_stage is not None and not _one_of(snapshot.stage.name, condition.in_stage):
        return False
    if not _archive_ok(condition, snapshot):
        return False
    if condition.offer_accepted is not None and snapshot.offer_accepted != condition.offer_accepted:
        return False
    posting = snapshot.posting
    for allowed, value in (
        (condition.departments, posting.department if posting else ""),
        (condition.teams, posting.team if posting else ""),
        (condition.locations, posting.location if posting else ""),
        (condition.commitments, posting.commitment if posting else ""),
        (condition.postings, posting.title if posting else ""),
        (condition.origins, snapshot.origin),
    ):
        if not _one_of(value, allowed):
            return False
    if condition.tags is not None and not {t.casefold() for t in snapshot.tags} & {
        t.casefold() for t in condition.tags
    }:
        return False
    if condition.requisition_status is not None:
        return False
    return condition.match is None or match()


def requisition_applies(
    condition: Condition, snapshot: RequisitionSnapshot, match: Callable[[], bool]
) -> bool:
    if condition.requisition_status is not None and snapshot.state not in condition.requisition_status:
        return False
    for allowed, value in (
        (condition.departments, snapshot.department),
        (condition.teams, snapshot.team),
        (condition.locations, snapshot.location),
        (condition.commitments, snapshot.employment_status),
    ):
        if not _one_of(value, allowed):
            return False
    return condition.match is None or match()


def truthy(rendered: str) -> bool:
    return rendered.strip().casefold() not in {"", "false", "0", "no", "none"}
