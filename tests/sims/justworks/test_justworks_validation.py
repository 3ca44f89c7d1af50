from __future__ import annotations

from typing import Any

import pytest
from justworks_helpers import PEOPLE, valid_form

DROP = object()


def packet_with(**changes: Any) -> dict[str, Any]:
    packet = valid_form()
    for key, value in changes.items():
        if value is DROP:
            packet.pop(key)
        else:
            packet[key] = value
    return packet


def pay(earnings: Any = "hour", amount: Any = 4500, currency: Any = "USD") -> dict[str, Any]:
    return {"type_of_earnings": earnings, "amount": amount, "currency": currency}


INTERN = "employee_paid_intern"
CONTRACTOR = "contractor_us_1099"
RULES = [
    ("first name missing", packet_with(first_name=DROP), "first_name", "required"),
    ("last name blank", packet_with(last_name="  "), "last_name", "required"),
    ("start date missing", packet_with(start_date=DROP), "start_date", "required"),
    ("start date not ISO", packet_with(start_date="09/01/2026"), "start_date", "invalid_date"),
    ("start date impossible", packet_with(start_date="2026-02-30"), "start_date", "invalid_date"),
    ("no email", packet_with(home_email=DROP), "home_email", "email_required"),
    ("bad home email", packet_with(home_email="ada-at-home"), "home_email", "invalid_email"),
    ("bad work email", packet_with(work_email="ada@"), "work_email", "invalid_email"),
    ("member type missing", packet_with(member_type=DROP), "member_type", "required"),
    ("member type unknown", packet_with(member_type="full_time"), "member_type", "invalid_member_type"),
    ("member type EOR", packet_with(member_type="employee_eor"), "member_type", "unsupported_member_type"),
    ("member type vendor", packet_with(member_type="vendor"), "member_type", "unsupported_member_type"),
    (
        "earnings month",
        packet_with(compensation=pay("month")),
        "compensation.type_of_earnings",
        "invalid_type_of_earnings",
    ),
    (
        "earnings Lever token",
        packet_with(compensation=pay("per-year-salary")),
        "compensation.type_of_earnings",
        "invalid_type_of_earnings",
    ),
    (
        "earnings salary",
        packet_with(compensation=pay("salary")),
        "compensation.type_of_earnings",
        "invalid_type_of_earnings",
    ),
    ("amount zero", packet_with(compensation=pay("year", 0)), "compensation.amount", "invalid_amount"),
    (
        "amount dollars",
        packet_with(compensation=pay("year", 150000.5)),
        "compensation.amount",
        "invalid_amount",
    ),
    (
        "amount string",
        packet_with(compensation=pay("year", "150000")),
        "compensation.amount",
        "invalid_amount",
    ),
    ("W-2 without compensation", packet_with(compensation=DROP), "compensation", "required"),
    ("W-2 without exemption", packet_with(exemption_status=DROP), "exemption_status", "required"),
    (
        "exemption unknown",
        packet_with(exemption_status="salaried"),
        "exemption_status",
        "invalid_exemption_status",
    ),
    (
        "intern on salary",
        packet_with(member_type=INTERN, compensation=pay("year", 5000000), exemption_status="nonexempt"),
        "member_type",
        "paid_intern_must_be_hourly_nonexempt",
    ),
    (
        "intern exempt",
        packet_with(member_type=INTERN, compensation=pay("hour", 2500), exemption_status="exempt"),
        "member_type",
        "paid_intern_must_be_hourly_nonexempt",
    ),
    (
        "hourly exempt",
        packet_with(compensation=pay("hour", 6000)),
        "exemption_status",
        "exempt_requires_salary",
    ),
    (
        "contractor with exemption",
        packet_with(member_type=CONTRACTOR),
        "exemption_status",
        "exemption_not_applicable",
    ),
    (
        "department unknown",
        packet_with(department={"name": "Marketing"}),
        "department.name",
        "department_not_found",
    ),
    (
        "department case differs",
        packet_with(department={"name": "engineering"}),
        "department.name",
        "department_not_found",
    ),
    (
        "department id unknown",
        packet_with(department={"id": "dep_nope"}),
        "department.id",
        "department_not_found",
    ),
    ("office unknown", packet_with(office={"name": "Paris"}), "office.name", "office_not_found"),
    (
        "office with trailing space",
        packet_with(office={"name": "Berlin "}),
        "office.name",
        "office_not_found",
    ),
    (
        "manager unknown",
        packet_with(manager={"member_id": "mem_nobody"}),
        "manager.member_id",
        "manager_not_found",
    ),
    (
        "manager terminated",
        packet_with(manager={"member_id": "mem_tess"}),
        "manager.member_id",
        "manager_not_found",
    ),
    (
        "currency EUR",
        packet_with(compensation=pay("year", 9000000, "EUR")),
        "compensation.currency",
        "unsupported_currency",
    ),
    (
        "currency missing",
        packet_with(compensation={"type_of_earnings": "year", "amount": 9000000}),
        "compensation.currency",
        "required",
    ),
    (
        "unknown top-level field",
        packet_with(resume_url="https://files/cv.pdf"),
        "resume_url",
        "unknown_field",
    ),
    (
        "unknown nested field",
        packet_with(compensation={**pay("year", 9000000), "bonus": 1}),
        "compensation.bonus",
        "unknown_field",
    ),
    ("invite send_to unknown", packet_with(invite={"send_to": "phone"}), "invite.send_to", "invalid_send_to"),
]


@pytest.mark.parametrize(("packet", "field", "code"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
async def test_each_rule_rejects_with_its_error(api, packet, field, code):
    response = await api.post(PEOPLE, json=packet)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in errors]
    assert all(e["message"] for e in errors)
    assert (await api.get(PEOPLE)).json()["items"] == []
    assert len((await api.get("/v1/members")).json()["items"]) == 7  # the seed's, no one added


VALID = [
    ("full-time salaried exempt", valid_form()),
    (
        "part-time hourly nonexempt",
        packet_with(
            member_type="employee_part_time", compensation=pay("hour", 3000), exemption_status="nonexempt"
        ),
    ),
    (
        "paid intern",
        packet_with(member_type=INTERN, compensation=pay("hour", 2200), exemption_status="nonexempt"),
    ),
    (
        "contractor without pay or exemption",
        packet_with(member_type=CONTRACTOR, compensation=DROP, exemption_status=DROP),
    ),
    (
        "work email only, by ids, no optional fields",
        packet_with(
            home_email=DROP,
            work_email="ada@example.com",
            department={"id": "dep_sales"},
            office={"id": "off_berlin", "name": "Berlin"},
            manager=None,
            title=None,
        ),
    ),
]


@pytest.mark.parametrize("packet", [v[1] for v in VALID], ids=[v[0] for v in VALID])
async def test_valid_packets_pass(api, packet):
    response = await api.post(PEOPLE, json=packet)
    assert response.status_code == 201, response.text
    body = response.json()
    member = (await api.get(f"/v1/members/{body['member_id']}")).json()
    assert member["name"]["family_name"] == packet["last_name"]


async def test_all_errors_are_reported_at_once(api):
    packet = packet_with(first_name=DROP, compensation=pay("month", -1, "EUR"), office={"name": "Mars"})
    codes = {e["code"] for e in (await api.post(PEOPLE, json=packet)).json()["errors"]}
    assert {"required", "invalid_type_of_earnings", "invalid_amount", "unsupported_currency"} <= codes
    assert "office_not_found" in codes


async def test_hourly_exempt_rule_can_be_turned_off(api):
    await api.post("/_sim/config", json={"reject_hourly_exempt": False})
    response = await api.post(PEOPLE, json=packet_with(compensation=pay("hour", 6000)))
    assert response.status_code == 201


async def test_malformed_bodies(api):
    response = await api.post(PEOPLE, content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_json"
    response = await api.post(PEOPLE, json=["not", "an", "object"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid_body"
