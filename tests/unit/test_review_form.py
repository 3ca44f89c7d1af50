"""The review page's inputs follow Justworks' "Add a person" form with choices from its own lists."""

from __future__ import annotations

from test_packet import DIRECTORY, GOOD

from hirebridge.domain.packet import FIELDS
from hirebridge.web.review_form import form_inputs


def test_inputs_follow_the_form_with_justworks_choices_and_copy_texts() -> None:
    inputs = {i.name: i for i in form_inputs(GOOD, DIRECTORY)}
    assert list(inputs) == [name for name, _ in FIELDS]
    assert list(inputs)[:5] == [
        "member_type",
        "compensation_amount",
        "earnings_type",
        "currency",
        "exemption_status",
    ]
    member_type = inputs["member_type"]
    assert (member_type.kind, member_type.value, member_type.copy) == (
        "select",
        "employee_full_time",
        "Employee – Full Time (W-2)",
    )
    assert inputs["earnings_type"].copy == "Year (salary)"
    assert [o[0] for o in inputs["department"].options] == ["Engineering", "Sales"]
    assert (inputs["manager_email"].value, inputs["manager_email"].copy) == (
        "hank@example.com",
        "Hank Manager",
    )
    assert all("tess" not in o[0] for o in inputs["manager_email"].options)  # terminated: no manager
    assert (inputs["start_date"].kind, inputs["start_date"].value) == ("date", "2026-09-01")
    assert inputs["compensation_amount"].copy == "150,000.00"


def test_a_value_justworks_does_not_know_is_shown_as_lever_gave_it() -> None:
    inputs = {
        i.name: i
        for i in form_inputs({**GOOD, "earnings_type": "per-month-salary", "office": "Mars"}, DIRECTORY)
    }
    earnings = inputs["earnings_type"]
    assert earnings.value == "per-month-salary" and "not one of Justworks' choices" in earnings.options[0][1]
    assert inputs["office"].options[0][0] == "Mars"


def test_without_justworks_lists_the_placement_is_plain_text() -> None:
    inputs = {i.name: i for i in form_inputs(GOOD, None)}
    assert inputs["department"].kind == "text" and inputs["manager_email"].kind == "text"
