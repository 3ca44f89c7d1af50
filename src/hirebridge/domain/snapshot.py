"""What hirebridge knows about a Lever opportunity at one moment, built from Lever's API answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

Json = Mapping[str, Any]


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    index: int


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str


@dataclass(frozen=True)
class Archived:
    at: int
    reason_id: str
    reason: str
    hired: bool


@dataclass(frozen=True)
class Posting:
    id: str
    title: str
    team: str
    department: str
    location: str
    commitment: str
    hiring_manager: Person | None
    owner: Person | None


@dataclass(frozen=True)
class Offer:
    id: str
    status: str
    fields: Mapping[str, Any]
    created_at: int = 0
    signed_at: int | None = None


@dataclass(frozen=True)
class Interview:
    id: str
    subject: str
    note: str
    date: int | None
    duration: int | None
    location: str
    canceled: bool
    interviewers: tuple[Person, ...]


@dataclass(frozen=True)
class OpportunitySnapshot:
    id: str
    name: str
    profile_url: str
    stage: Stage
    stage_changed_at: int | None
    archived: Archived | None
    owner: Person | None
    posting: Posting | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    links: tuple[str, ...]
    location: str
    headline: str
    origin: str
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    offers: tuple[Offer, ...] = field(default=())
    interviews: tuple[Interview, ...] = field(default=())
    created_at: int | None = None
    updated_at: int | None = None
    # The stage before the current one and who made the last move: audit comments (U10) say them.
    previous_stage: str | None = None
    stage_changed_by: str | None = None
    # Offers are read only where they can matter (the Offer stage): elsewhere `offers` is empty
    # because they were not read, which says nothing about an offer being withdrawn.
    offers_read: bool = False

    @property
    def offer_accepted(self) -> bool:
        return any(offer.status == "signed" for offer in self.offers)

    @property
    def accepted_offer(self) -> Offer | None:
        """The newest signed offer, else the newest offer: by Lever's timestamps, never by list order
        (Lever lists newest first; a list's order is no contract)."""
        signed = [offer for offer in self.offers if offer.status == "signed"]
        if signed:
            return max(signed, key=lambda o: (o.signed_at or 0, o.created_at, o.id))
        return max(self.offers, key=lambda o: (o.created_at, o.id), default=None)


def person(user: Json | None) -> Person | None:
    if not user:
        return None
    return Person(id=str(user["id"]), name=str(user.get("name") or ""), email=str(user.get("email") or ""))


def ms_to_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC).date()
    return date.fromisoformat(str(value)[:10])


def build_snapshot(
    opportunity: Json,
    *,
    stages: Sequence[Json],
    archive_reasons: Sequence[Json],
    users: Mapping[str, Json],
    posting: Json | None,
    offers: Sequence[Json] | None = None,
) -> OpportunitySnapshot:
    """Pure: Lever's JSON (opportunity, pipeline, reasons, users by id, posting, offers) to a snapshot.

    Lever documents `archived` as `{archivedAt, reason}`; old doc examples show top-level
    `archivedAt`/`archiveReason` instead (https://hire.lever.co/developer/documentation), so both are read.
    """
    stage_id = (
        opportunity["stage"]["id"] if isinstance(opportunity["stage"], Mapping) else opportunity["stage"]
    )
    stage = next(
        (
            Stage(id=str(s["id"]), name=str(s["text"]), index=i)
            for i, s in enumerate(stages)
            if s["id"] == stage_id
        ),
        Stage(id=str(stage_id), name=str(stage_id), index=-1),
    )
    history = [c for c in opportunity.get("stageChanges") or [] if isinstance(c, Mapping)]
    changes = [c for c in history if c.get("toStageId") == stage_id]
    names = {s["id"]: str(s["text"]) for s in stages}
    previous = history[-2].get("toStageId") if len(history) > 1 else None
    mover = users.get(str(history[-1].get("userId"))) if history else None
    archived = _archived(opportunity, archive_reasons)
    owner = opportunity.get("owner")
    owner_json = owner if isinstance(owner, Mapping) else users.get(str(owner)) if owner else None
    return OpportunitySnapshot(
        id=str(opportunity["id"]),
        name=str(opportunity.get("name") or ""),
        profile_url=str((opportunity.get("urls") or {}).get("show") or ""),
        stage=stage,
        stage_changed_at=changes[-1].get("updatedAt") if changes else None,
        archived=archived,
        owner=person(owner_json),
        posting=_posting(posting, users) if posting else None,
        emails=tuple(opportunity.get("emails") or ()),
        phones=tuple(str(p.get("value")) for p in opportunity.get("phones") or () if p.get("value")),
        links=tuple(opportunity.get("links") or ()),
        location=str(opportunity.get("location") or ""),
        headline=str(opportunity.get("headline") or ""),
        origin=str(opportunity.get("origin") or ""),
        tags=tuple(opportunity.get("tags") or ()),
        sources=tuple(opportunity.get("sources") or ()),
        offers=parse_offers(offers or ()),
        offers_read=offers is not None,
        created_at=opportunity.get("createdAt"),
        updated_at=opportunity.get("updatedAt"),
        previous_stage=names.get(previous, str(previous)) if previous else None,
        stage_changed_by=str(mover.get("name") or "") or None if mover else None,
    )


def parse_offers(offers: Sequence[Json]) -> tuple[Offer, ...]:
    """Offers with their fields by identifier (`anticipated_start_date`, `salary_amount`, …)."""
    return tuple(
        Offer(
            id=str(o["id"]),
            status=str(o.get("status") or ""),
            fields={f["identifier"]: f.get("value") for f in o.get("fields") or () if f.get("identifier")},
            created_at=_ms(o.get("createdAt")) or 0,
            signed_at=_signed_at(o),
        )
        for o in offers
    )


def _ms(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _signed_at(offer: Json) -> int | None:
    """When the candidate signed: the candidate signature's `signedAt`, else the signed document's
    upload time (Lever's offer object)."""
    signatures = offer.get("signatures") or {}
    candidate = signatures.get("candidate") if isinstance(signatures, Mapping) else None
    at = _ms(candidate.get("signedAt")) if isinstance(candidate, Mapping) else None
    document = offer.get("signedDocument")
    return at or (_ms(document.get("uploadedAt")) if isinstance(document, Mapping) else None)


def parse_interviews(interviews: Sequence[Json], users: Mapping[str, Json]) -> tuple[Interview, ...]:
    def interviewer(entry: Json) -> Person | None:
        user = users.get(str(entry.get("id"))) or entry
        return person({"id": entry.get("id"), "name": user.get("name"), "email": user.get("email")})

    return tuple(
        Interview(
            id=str(i["id"]),
            subject=str(i.get("subject") or ""),
            note=str(i.get("note") or ""),
            date=i.get("date"),
            duration=i.get("duration"),
            location=str(i.get("location") or ""),
            canceled=bool(i.get("canceledAt")),
            interviewers=tuple(p for p in (interviewer(e) for e in i.get("interviewers") or ()) if p),
        )
        for i in interviews
    )


def _archived(opportunity: Json, archive_reasons: Sequence[Json]) -> Archived | None:
    raw = opportunity.get("archived")
    if raw is None and opportunity.get("archivedAt"):
        raw = {"archivedAt": opportunity["archivedAt"], "reason": opportunity.get("archiveReason")}
    if not raw:
        return None
    reason_id = str(raw.get("reason") or "")
    reason = next((r for r in archive_reasons if r["id"] == reason_id), None)
    return Archived(
        at=int(raw.get("archivedAt") or 0),
        reason_id=reason_id,
        reason=str(reason["text"]) if reason else reason_id,
        hired=bool(reason and reason.get("type") == "hired"),
    )


def _posting(posting: Json, users: Mapping[str, Json]) -> Posting:
    categories = posting.get("categories") or {}

    def user(key: str) -> Person | None:
        value = posting.get(key)
        return person(value if isinstance(value, Mapping) else users.get(str(value)) if value else None)

    return Posting(
        id=str(posting["id"]),
        title=str(posting.get("text") or ""),
        team=str(categories.get("team") or ""),
        department=str(categories.get("department") or ""),
        location=str(categories.get("location") or ""),
        commitment=str(categories.get("commitment") or ""),
        hiring_manager=user("hiringManager"),
        owner=user("owner"),
    )
