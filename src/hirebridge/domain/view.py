"""The candidate view recipes see: the snapshot as plain data, cut down to what a recipe allowlists.

Private by default: a recipe names the fields it may read (`allow`). Naming a section (`posting`)
grants its ordinary fields; a sensitive field (contact data, compensation) is granted only when it is
named itself (`candidate.emails`), so no broad grant can leak it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from hirebridge.domain.snapshot import OpportunitySnapshot, Person, ms_to_date

SENSITIVE_FIELDS = frozenset(
    {
        "candidate.emails",
        "candidate.phones",
        "candidate.links",
        "candidate.location",
        "offer.salary_amount",
        "offer.salary_currency",
        "offer.salary_interval",
        "offer.fields",
        "requisition.compensation_band",
    }
)
COMPENSATION_WORDS = ("equity", "salary", "bonus", "comp", "stock", "pay")
# Context that is hirebridge's own or the config's, never candidate data: no allowlist needed.
OWN_CONTEXT = frozenset(
    {"refs", "lookups", "linked_issues", "justworks", "now", "today", "item", "feedback", "resolved"}
)


def _person(value: Person | None) -> dict[str, str] | None:
    return {"id": value.id, "name": value.name, "email": value.email} if value else None


def _iso(ms: int | None) -> str | None:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="minutes") if ms else None


def interviews_view(snapshot: OpportunitySnapshot) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Interviews, and one entry per interviewer of each interview still on (U5: a sub-task each)."""
    interviews, assignments = [], []
    for interview in snapshot.interviews:
        entry = {
            "id": interview.id,
            "subject": interview.subject,
            "focus": interview.note,
            "date": _iso(interview.date),
            "day": _iso(interview.date)[:10] if interview.date else None,
            "duration": interview.duration,
            "location": interview.location,
            "canceled": interview.canceled,
            "interviewers": [_person(p) for p in interview.interviewers],
        }
        interviews.append(entry)
        if not interview.canceled:
            assignments += [
                {"key": f"{interview.id}-{p.id}", "interview": entry, **(_person(p) or {})}
                for p in interview.interviewers
            ]
    return interviews, assignments


def full_view(snapshot: OpportunitySnapshot) -> dict[str, Any]:
    first, _, last = snapshot.name.strip().partition(" ")
    interviews, interviewers = interviews_view(snapshot)
    posting = snapshot.posting
    offer = snapshot.accepted_offer
    archived = snapshot.archived
    return {
        "candidate": {
            "id": snapshot.id,
            "name": snapshot.name,
            "first_name": first,
            "last_name": last.strip(),
            "headline": snapshot.headline,
            "origin": snapshot.origin,
            "tags": list(snapshot.tags),
            "sources": list(snapshot.sources),
            "profile_url": snapshot.profile_url,
            "stage": snapshot.stage.name,
            "stage_changed_at": snapshot.stage_changed_at,
            "archived": (
                {"at": archived.at, "reason": archived.reason, "hired": archived.hired} if archived else None
            ),
            "emails": list(snapshot.emails),
            "phones": list(snapshot.phones),
            "links": list(snapshot.links),
            "location": snapshot.location,
        },
        "posting": (
            {
                "id": posting.id,
                "title": posting.title,
                "team": posting.team,
                "department": posting.department,
                "location": posting.location,
                "commitment": posting.commitment,
            }
            if posting
            else None
        ),
        "owner": _person(snapshot.owner),
        "interviews": interviews,
        "interviewers": interviewers,
        "hiring_manager": _person(posting.hiring_manager if posting else None),
        "offer": (
            {
                "status": offer.status,
                "start_date": ms_to_date(offer.fields.get("anticipated_start_date")),
                "job_title": offer.fields.get("job_title"),
                "salary_amount": offer.fields.get("salary_amount"),
                "salary_currency": offer.fields.get("compensation_currency"),
                "salary_interval": offer.fields.get("salary_interval"),
                "fields": dict(offer.fields),
                # Custom offer fields (equipment, preferences), minus compensation-like ones.
                "custom": {
                    k.removeprefix("custom_"): v
                    for k, v in offer.fields.items()
                    if k.startswith("custom_") and not any(w in k for w in COMPENSATION_WORDS)
                },
            }
            if offer
            else None
        ),
    }


def _sensitive_root(path: str) -> str | None:
    return next((s for s in SENSITIVE_FIELDS if path == s or path.startswith(s + ".")), None)


def is_granted(path: str, allow: Iterable[str]) -> bool:
    """Whether `path` (dotted; list items as `[]`) may be read under the allowlist `allow`."""
    path = path.replace("[]", "")
    if _sensitive_root(path) is not None:
        return any(
            _sensitive_root(grant) is not None and (path == grant or path.startswith(grant + "."))
            for grant in allow
        )
    return any(
        path == grant or path.startswith(grant + ".") or grant.startswith(path + ".") for grant in allow
    )


def project_view(view: Mapping[str, Any], allow: Iterable[str], prefix: str = "") -> dict[str, Any]:
    """The part of `view` that `allow` grants; everything else is absent, so a template reading it fails."""
    allow = tuple(allow)
    out: dict[str, Any] = {}
    for key, value in view.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            inner = project_view(value, allow, path + ".")
            if inner or (is_granted(path, allow) and not value):
                out[key] = inner
        elif is_granted(path, allow):
            out[key] = value
    return out
