"""Which Justworks member is the new hire of which packet (U9, closing the loop). Pure.

Justworks' members carry no reference to Lever, so a packet is matched by what the admin typed from
it: the home email first; failing that, the full name and the start date together (an admin may
invite the person at another address). A member who matches only by name is flagged for a person to
confirm, never taken as the hire, so that nothing is recorded against the wrong person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Json = Mapping[str, Any]


@dataclass(frozen=True)
class Candidate:
    """What a packet expects the member to look like."""

    packet_id: str
    first_name: str
    last_name: str
    home_email: str
    start_date: str


@dataclass(frozen=True)
class Match:
    packet_id: str
    member_id: str
    by: str  # "home email", "name and start date", or "name only" (flagged, not joined)

    @property
    def joined(self) -> bool:
        return self.by != "name only"


def _name(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", value.casefold()).split())


def member_emails(member: Json) -> set[str]:
    return {
        str(e.get("address", "")).strip().casefold()
        for e in member.get("emails") or ()
        if isinstance(e, Mapping) and e.get("address")
    }


def member_names(member: Json) -> set[str]:
    name = member.get("name") if isinstance(member.get("name"), Mapping) else {}
    given = [name.get("given_name"), name.get("preferred_name")]
    family = name.get("family_name") or ""
    full = {_name(f"{g} {family}") for g in given if g} | {_name(name.get("full_preferred_name") or "")}
    return {n for n in full if n}


def member_start(member: Json) -> str:
    employment = member.get("current_employment")
    start = member.get("employment_start_date") or (
        employment.get("start_date") if isinstance(employment, Mapping) else None
    )
    return str(start or "")[:10]


def match(member: Json, candidates: Iterable[Candidate]) -> Match | None:
    """The packet `member` is the hire of, if any; ambiguous matches are left alone."""
    member_id = str(member.get("id") or "")
    emails, names, start = member_emails(member), member_names(member), member_start(member)
    pool = list(candidates)
    by_email = [c for c in pool if c.home_email and c.home_email.casefold() in emails]
    if len(by_email) == 1:
        return Match(by_email[0].packet_id, member_id, "home email")
    named = [c for c in pool if _name(f"{c.first_name} {c.last_name}") in names]
    dated = [c for c in named if c.start_date and c.start_date == start]
    if len(dated) == 1:
        return Match(dated[0].packet_id, member_id, "name and start date")
    if len(named) == 1:
        return Match(named[0].packet_id, member_id, "name only")
    return None
