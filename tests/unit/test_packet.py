"""The Justworks new-hire packet: mapping from Lever's values and every reason a packet is held."""

from __future__ import annotations

import pytest

from hirebridge.domain.packet import (
    Directory,
    Member,
    Named,
    check_packet,
    merged,
    offer_check_note,
    outcome_note,
)

DIRECTORY = Directory(
    departments=(Named("dep_eng", "Engineering"), Named("dep_sales", "Sales")),
    offices=(Named("off_remote", "Remote US"), Named("off_ny", "New York")),
    members=(
        Member("mem_hank", "Hank Manager", ("hank@example.com",), True),
        Member("mem_tess", "Tess Former", ("tess@example.com",), False),
    ),
)
GOOD = {
    "member_type": "Full-time",
    "first_name": "Ada",
    "last_name": "Lindqvist",
    "home_email": "ada@home.example",
    "title": "Senior Backend Engineer",
    "manager_email": "hank@example.com",
    "department": "Engineering",
    "office": "Remote US",
    "start_date": "2026-09-01",
    "compensation_amount": "150000",
    "earnings_type": "per-year-salary",
    "currency": "USD",
    "exemption_status": "exempt",
}


def problems(**changes: str) -> dict[str, str]:
    return {p.field: p.message for p in check_packet({**GOOD, **changes}, DIRECTORY).problems}


def test_a_complete_packet_becomes_the_justworks_body() -> None:
    check = check_packet(GOOD, DIRECTORY)
    assert check.valid
    assert check.body == {
        "source": "lever",
        "member_type": "employee_full_time",
        "first_name": "Ada",
        "last_name": "Lindqvist",
        "title": "Senior Backend Engineer",
        "home_email": "ada@home.example",
        "start_date": "2026-09-01",
        "compensation": {"type_of_earnings": "year", "amount": 15000000, "currency": "USD"},
        "exemption_status": "exempt",
        "department": {"id": "dep_eng", "name": "Engineering"},
        "office": {"id": "off_remote", "name": "Remote US"},
        "manager": {"member_id": "mem_hank"},
    }


def test_nothing_but_packet_fields_reaches_the_body() -> None:
    check = check_packet({**GOOD, "resume_url": "https://files/cv.pdf", "files": "x"}, DIRECTORY)
    assert "resume_url" not in check.body and "files" not in check.body
    assert set(check.values) == {
        "member_type", "first_name", "last_name", "home_email", "title", "manager_email", "department",
        "office", "start_date", "compensation_amount", "earnings_type", "currency", "exemption_status",
    }  # fmt: skip


def test_a_monthly_salary_is_held_with_the_reason() -> None:
    assert problems(earnings_type="per-month-salary") == {
        "earnings_type": "type of earnings is a monthly salary; "
        "Justworks accepts only hour (wage) or year (salary)"
    }


@pytest.mark.parametrize(
    ("given", "token"),
    [("per-hour-wage", "hour"), ("Hour (wage)", "hour"), ("year", "year"), ("Annual", "year")],
)
def test_earnings_types_justworks_accepts(given: str, token: str) -> None:
    changes = {"earnings_type": given, "exemption_status": "nonexempt"}
    assert check_packet({**GOOD, **changes}, DIRECTORY).body["compensation"]["type_of_earnings"] == token


def test_unknown_department_office_and_manager_are_named() -> None:
    assert problems(department="Engineering Dept", office="Paris", manager_email="nobody@example.com") == {
        "department": "department 'Engineering Dept' is not one of Justworks' departments "
        "(Engineering, Sales)",
        "office": "office 'Paris' is not one of Justworks' offices (New York, Remote US)",
        "manager_email": "no active Justworks member has the email nobody@example.com",
    }


def test_a_terminated_member_is_no_manager() -> None:
    assert set(problems(manager_email="tess@example.com")) == {"manager_email"}


def test_case_and_spacing_find_justworks_own_name() -> None:
    check = check_packet({**GOOD, "department": "engineering", "office": " new  york"}, DIRECTORY)
    assert check.body["department"] == {"id": "dep_eng", "name": "Engineering"}
    assert check.body["office"] == {"id": "off_ny", "name": "New York"}


def test_missing_start_date_and_single_word_name() -> None:
    assert problems(start_date="", last_name="") == {
        "start_date": "start date is missing (no anticipated start date on the offer)",
        "last_name": "last name is missing (Lever's name may be one word)",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "next monday"}, "start_date"),
        ({"home_email": "ada-at-home"}, "home_email"),
        ({"compensation_amount": "-5"}, "compensation_amount"),
        ({"compensation_amount": "10.001"}, "compensation_amount"),
        ({"currency": "EUR"}, "currency"),
        ({"exemption_status": ""}, "exemption_status"),
        ({"exemption_status": "maybe"}, "exemption_status"),
        ({"member_type": "Temporary"}, "member_type"),
        ({"member_type": "employee_eor"}, "member_type"),
        ({"earnings_type": "per-hour-wage"}, "exemption_status"),  # hourly cannot be exempt
        ({"member_type": "Intern"}, "member_type"),  # a paid intern is hourly and nonexempt
    ],
)
def test_each_rule_holds_the_packet(changes: dict[str, str], field: str) -> None:
    assert field in problems(**changes)


def test_amounts_in_dollars_become_cents() -> None:
    check = check_packet({**GOOD, "compensation_amount": "$152,500.50"}, DIRECTORY)
    assert check.body["compensation"]["amount"] == 15250050


def test_a_contractor_carries_no_exemption_status() -> None:
    check = check_packet({**GOOD, "member_type": "Contractor"}, DIRECTORY)
    assert check.valid and "exemption_status" not in check.body
    assert check.body["member_type"] == "contractor_us_1099"


def test_corrections_override_lever_values_field_by_field() -> None:
    values = merged({**GOOD, "department": "Eng"}, {"department": "Engineering", "unknown": "x"})
    assert values["department"] == "Engineering" and "unknown" not in values
    assert check_packet(values, DIRECTORY).valid


def test_outcome_notes() -> None:
    assert outcome_note("joined", None).startswith("Added to Justworks")
    assert "(matched by name and start date)" in outcome_note("joined", "matched by name and start date")
    assert "declined" in outcome_note("declined", None)


def test_the_offer_check_note_names_what_to_fix() -> None:
    assert offer_check_note(check_packet(GOOD, DIRECTORY)) is None
    note = offer_check_note(check_packet({**GOOD, "earnings_type": "per-month-salary"}, DIRECTORY))
    assert note is not None and note.startswith("Justworks check of this offer")
    assert "- Type of earnings: type of earnings is a monthly salary" in note
