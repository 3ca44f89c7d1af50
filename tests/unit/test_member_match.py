"""Which Justworks member is which packet's hire: by home email, else name and start date; a name
alone is flagged, never taken."""

from __future__ import annotations

from typing import Any

from hirebridge.domain.member_match import Candidate, match

ADA = Candidate("pkt_ada", "Ada", "Lindqvist", "ada@home.example", "2026-09-01")
BO = Candidate("pkt_bo", "Bo", "Berg", "bo@home.example", "2026-10-05")


def member(given: str, family: str, email: str, start: str = "2026-09-01") -> dict[str, Any]:
    return {
        "id": "mem_1",
        "name": {"given_name": given, "family_name": family, "full_preferred_name": f"{given} {family}"},
        "emails": [{"type": "personal", "address": email}],
        "employment_start_date": start,
    }


def test_the_home_email_matches_whatever_the_name() -> None:
    found = match(member("Adaline", "L.", "ADA@home.example"), [ADA, BO])
    assert found is not None and (found.packet_id, found.by, found.joined) == ("pkt_ada", "home email", True)


def test_another_email_matches_by_name_and_start_date() -> None:
    found = match(member("ada", "lindqvist", "ada.l@work.example"), [ADA, BO])
    assert found is not None and (found.packet_id, found.by, found.joined) == (
        "pkt_ada",
        "name and start date",
        True,
    )


def test_a_name_alone_is_flagged_not_joined() -> None:
    found = match(member("Ada", "Lindqvist", "ada.l@work.example", start="2027-01-04"), [ADA])
    assert found is not None and found.by == "name only" and not found.joined


def test_strangers_and_ambiguous_names_match_nothing() -> None:
    assert match(member("Cy", "Dahl", "cy@home.example"), [ADA, BO]) is None
    twin = Candidate("pkt_ada2", "Ada", "Lindqvist", "other@home.example", "2026-09-01")
    assert match(member("Ada", "Lindqvist", "ada.l@work.example"), [ADA, twin]) is None
