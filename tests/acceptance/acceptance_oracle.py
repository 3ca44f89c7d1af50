"""What examples/demo.yaml prescribes for the *final* Lever state, and how Jira and Lever differ from it.

Written independently of the product's planner (only the marker function is shared, as it is the
contract written into Jira and Lever). Level-triggered: a candidate who passed a stage before
hirebridge looked may rightly have no work for it, so work of a recipe that no longer applies must be
closed *if it exists*; work of a recipe that applies must exist exactly once and be open; nothing may
ever exist twice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx2

from hirebridge.domain.subjects import Subject, effect_marker

ASSESSMENT_STAGE = "0cc07473-26f5-5a0c-832c-71849df86e06"
HIRED_REASON = "a4860b97-6d06-53fc-a8af-075e9c627707"
CLOSED = {"cancelled", "done", "declined", "resolved", "closed"}
ONBOARDING_KEYS = ("epic", "laptop", "first-week", "paperwork")
REQUISITION_STATUS = {"open": "Open", "onHold": "On Hold", "closed": "Closed", "filled": "Filled"}
MARKER = re.compile(r"\(hirebridge ref (hb-[0-9a-f]{20})\)")


def marker(opportunity_id: str, recipe: str, key: str) -> str:
    return effect_marker(Subject("main", "opportunity", opportunity_id), recipe, key)


@dataclass
class World:
    """Both simulators' whole state, read through their control APIs (no rate limit, no search lag)."""

    lever: dict[str, Any]
    jira: dict[str, Any]
    issues_by_effect: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def read(cls, lever_url: str, jira_url: str) -> World:
        lever = httpx2.get(f"{lever_url}/_sim/state", timeout=30).json()
        jira = httpx2.get(f"{jira_url}/_sim/state", timeout=30).json()
        world = cls(lever, jira)
        for issue in jira["issues"]:
            prop = (issue.get("properties") or {}).get("hirebridge") or {}
            if prop:
                effect = (str(prop["subject"]), str(prop["recipe"]), str(prop["key"]))
                world.issues_by_effect.setdefault(effect, []).append(issue)
        return world

    def offer_index(self) -> int:
        return next(i for i, s in enumerate(self.lever["stages"]) if s["id"] == "offer")

    def opportunity(self, opportunity_id: str) -> dict[str, Any]:
        return next(o for o in self.lever["opportunities"] if o["id"] == opportunity_id)

    def note_markers(self, opportunity_id: str) -> Counter[str]:
        found: Counter[str] = Counter()
        for note in self.lever["notes"].get(opportunity_id) or ():
            for part in note.get("fields") or ():
                found.update(MARKER.findall(str(part.get("value"))))
        return found

    def interviews(self, opportunity_id: str) -> list[dict[str, Any]]:
        panels = self.lever["panels"].get(opportunity_id) or ()
        return [i for p in panels for i in p.get("interviews") or () if not i.get("canceledAt")]

    def issues_of(self, opportunity_id: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
        return {(r, k): v for (s, r, k), v in self.issues_by_effect.items() if s == opportunity_id}


def _status(issue: dict[str, Any]) -> str:
    status = issue.get("status")
    return str(status.get("name") if isinstance(status, dict) else status)


def _open(issue: dict[str, Any]) -> bool:
    return _status(issue).lower() not in CLOSED


def duplicates(world: World) -> list[str]:
    """Anything hirebridge made more than once, anywhere (issues by effect, notes and comments by marker)."""
    problems = [
        f"{len(found)} Jira issues for {effect}: {[i['key'] for i in found]}"
        for effect, found in world.issues_by_effect.items()
        if len(found) > 1
    ]
    labels: Counter[str] = Counter(
        label for i in world.jira["issues"] for label in i.get("labels") or () if label.startswith("hb-")
    )
    problems += [f"marker label {m} on {n} issues" for m, n in labels.items() if n > 1]
    for opportunity_id in world.lever["notes"]:
        problems += [
            f"Lever note {m} posted {n} times on {opportunity_id}"
            for m, n in world.note_markers(opportunity_id).items()
            if n > 1
        ]
    # One effect may comment several times (closed, reopened, closed after a later change), but never
    # the same words twice on one issue.
    comments: Counter[tuple[str, str]] = Counter()
    for issue in world.jira["issues"]:
        for comment in issue.get("comments") or ():
            text = str(comment.get("text"))
            if MARKER.search(text) or text.startswith("hirebridge:"):
                comments[(issue["key"], text)] += 1
    problems += [f"comment on {k} added {n} times: {t[:80]!r}" for (k, t), n in comments.items() if n > 1]
    return problems


def opportunity_problems(world: World, opportunity_id: str) -> list[str]:
    """How this candidate's Jira issues and Lever notes differ from what the recipes prescribe now."""
    opportunity = world.opportunity(opportunity_id)
    stage_index = opportunity["stageChanges"][-1]["toStageIndex"] if opportunity["stageChanges"] else 0
    archived = opportunity.get("archived")
    hired = bool(archived) and archived.get("reason") == HIRED_REASON
    active = not archived or hired
    issues = world.issues_of(opportunity_id)
    notes = world.note_markers(opportunity_id)
    problems: list[str] = []
    wanted: set[tuple[str, str]] = set()

    def need(recipe: str, key: str, check: Any = None) -> None:
        wanted.add((recipe, key))
        found = issues.get((recipe, key), [])
        if len(found) != 1 or not _open(found[0]):
            states = [_status(i) for i in found]
            problems.append(f"{opportunity_id}: {recipe}/{key} should be open once, found {states}")
        elif check is not None and (message := check(found[0])):
            problems.append(f"{opportunity_id}: {recipe}/{key} {message}")

    def note(recipe: str, key: str, expected: bool) -> None:
        count = notes.get(marker(opportunity_id, recipe, key), 0)
        if expected and count != 1:
            problems.append(f"{opportunity_id}: Lever note {recipe}/{key} expected once, found {count}")

    # An accepted offer, as Lever has it: a signed offer (the candidate in the Offer stage, the last).
    signed = any(o.get("status") == "signed" for o in world.lever["offers"].get(opportunity_id, []))
    accepted = signed and stage_index >= world.offer_index() and active
    if accepted:
        for key in ONBOARDING_KEYS:
            need("onboarding", key)
    note("onboarding", "note", expected=accepted)
    if opportunity["stage"] == ASSESSMENT_STAGE and active:
        need("assessment", "review")
    interviews = world.interviews(opportunity_id)
    if interviews and active:
        need("interviews", "hiring-epic")
        for interview in interviews:
            day = datetime.fromtimestamp(interview["date"] / 1000, tz=UTC).date().isoformat()
            for person in interview["interviewers"]:

                def due(issue: dict[str, Any], day: str = day) -> str | None:
                    found = (issue.get("fields") or {}).get("duedate")
                    return None if found == day else f"is due {found}, the interview is on {day}"

                need("interviews", f"interview:{interview['id']}-{person['id']}", due)
    for effect, found in issues.items():
        if effect not in wanted and any(_open(i) for i in found):
            problems.append(f"{opportunity_id}: {effect} should be closed, is {[_status(i) for i in found]}")
    if archived and not hired and issues:
        note("archived", "closure-note", expected=True)
    return problems


def requisition_problems(world: World) -> list[str]:
    problems = []
    for requisition in world.lever["requisitions"]:
        subject = Subject("main", "requisition", requisition["id"])
        found = world.issues_by_effect.get((subject.id, "headcount", "plan"), [])
        want = REQUISITION_STATUS.get(requisition["status"])
        if want is None:
            continue
        if [_status(i) for i in found] != [want]:
            problems.append(
                f"requisition {requisition['requisitionCode']} is {requisition['status']}: "
                f"want one issue in {want}, found {[_status(i) for i in found]}"
            )
    return problems


def problems(world: World, opportunity_ids: Iterable[str], *, requisitions: bool = False) -> list[str]:
    found = duplicates(world)
    for opportunity_id in opportunity_ids:
        found += opportunity_problems(world, opportunity_id)
    if requisitions:
        found += requisition_problems(world)
    return found
