"""Whether a recipe applies to a subject now. Level, not edge: re-checked on every change."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

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


def _asked(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def opportunity_checks(
    condition: Condition,
    snapshot: OpportunitySnapshot,
    stage_index: Mapping[str, int],
    match: Callable[[], bool],
) -> Iterator[tuple[str, bool]]:
    """Each predicate the condition gives, as `("stage_reached: Offer", holds)`, in order; `match`
    (a template) last, so a caller stopping at the first that fails never renders it needlessly."""
    if condition.stage_reached is not None:
        target = stage_index.get(condition.stage_reached)
        yield (
            f"stage_reached: {condition.stage_reached}",
            target is not None and snapshot.stage.index >= target,
        )
    if condition.in_stage is not None:
        yield f"in_stage: {_asked(condition.in_stage)}", _one_of(snapshot.stage.name, condition.in_stage)
    yield f"archived: {condition.archived or 'no, or hired'}", _archive_ok(condition, snapshot)
    if condition.offer_accepted is not None:
        yield (
            f"offer_accepted: {condition.offer_accepted}",
            snapshot.offer_accepted == condition.offer_accepted,
        )
    posting = snapshot.posting
    for name, allowed, value in (
        ("departments", condition.departments, posting.department if posting else ""),
        ("teams", condition.teams, posting.team if posting else ""),
        ("locations", condition.locations, posting.location if posting else ""),
        ("commitments", condition.commitments, posting.commitment if posting else ""),
        ("postings", condition.postings, posting.title if posting else ""),
        ("origins", condition.origins, snapshot.origin),
    ):
        if allowed is not None:
            yield f"{name}: {_asked(allowed)}", _one_of(value, allowed)
    if condition.tags is not None:
        held = {t.casefold() for t in snapshot.tags} & {t.casefold() for t in condition.tags}
        yield f"tags: {_asked(condition.tags)}", bool(held)
    if condition.requisition_status is not None:
        yield "requisition_status (not an opportunity's)", False
    if condition.match is not None:
        yield "match", match()


def opportunity_applies(
    condition: Condition,
    snapshot: OpportunitySnapshot,
    stage_index: Mapping[str, int],
    match: Callable[[], bool],
) -> bool:
    return all(holds for _, holds in opportunity_checks(condition, snapshot, stage_index, match))


def requisition_checks(
    condition: Condition, snapshot: RequisitionSnapshot, match: Callable[[], bool]
) -> Iterator[tuple[str, bool]]:
    if condition.requisition_status is not None:
        asked = f"requisition_status: {_asked(condition.requisition_status)}"
        yield asked, snapshot.state in condition.requisition_status
    for name, allowed, value in (
        ("departments", condition.departments, snapshot.department),
        ("teams", condition.teams, snapshot.team),
        ("locations", condition.locations, snapshot.location),
        ("commitments", condition.commitments, snapshot.employment_status),
    ):
        if allowed is not None:
            yield f"{name}: {_asked(allowed)}", _one_of(value, allowed)
    if condition.match is not None:
        yield "match", match()


def requisition_applies(
    condition: Condition, snapshot: RequisitionSnapshot, match: Callable[[], bool]
) -> bool:
    return all(holds for _, holds in requisition_checks(condition, snapshot, match))


def truthy(rendered: str) -> bool:
    return rendered.strip().casefold() not in {"", "false", "0", "no", "none"}
