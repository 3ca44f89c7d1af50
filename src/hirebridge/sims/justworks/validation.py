"""Pure validation of the "Add a person" form: the rules of Justworks' Help Center ("Adding a person
or vendor", "Member Types in Justworks"), stricter where it is silent (docs/sims/justworks.md)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hirebridge.sims.justworks.errors import error
from hirebridge.sims.justworks.form import NESTED, TOP_LEVEL, resolve

W2_TYPES = ("employee_full_time", "employee_part_time", "employee_paid_intern")
MEMBER_TYPES = (*W2_TYPES, "contractor_us_1099")
UNSUPPORTED_TYPES = (
    "employee_eor",
    "employee_outside_us",
    "international_contractor",
    "vendor",
    "owner",
    "third_party_admin",
)
EARNINGS = ("hour", "year")
EXEMPTIONS = ("exempt", "nonexempt")
SEND_TO = ("work_email", "home_email")
INVITE_WHEN = ("now", "later")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate_form(
    body: Any, company: dict[str, Any], members: dict[str, dict[str, Any]], reject_hourly_exempt: bool
) -> list[dict[str, Any]]:
    """Return the field-level errors of a submitted form; empty means valid."""
    if not isinstance(body, dict):
        return [error(None, "invalid_body", "the request body must be a JSON object")]
    errs = _shape(body)
    errs += _names_and_dates(body) + _emails(body)
    errs += _member_type_and_pay(body, reject_hourly_exempt)
    errs += _references(body, company, members)
    return errs


def _shape(body: dict[str, Any]) -> list[dict[str, Any]]:
    errs = [error(key, "unknown_field", f"unknown field {key!r}") for key in body if key not in TOP_LEVEL]
    for key, allowed in NESTED.items():
        value = body.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            errs.append(error(key, "invalid_type", f"{key} must be an object"))
            continue
        errs += [
            error(f"{key}.{k}", "unknown_field", f"unknown field {k!r}") for k in value if k not in allowed
        ]
    for key in ("first_name", "last_name", "title", "start_date", "home_email", "work_email"):
        if body.get(key) is not None and not isinstance(body[key], str):
            errs.append(error(key, "invalid_type", f"{key} must be a string"))
    return errs


def _obj(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _names_and_dates(body: dict[str, Any]) -> list[dict[str, Any]]:
    errs = [
        error(k, "required", f"{k} is required") for k in ("first_name", "last_name") if _blank(body.get(k))
    ]
    start = body.get("start_date")
    if _blank(start):
        errs.append(error("start_date", "required", "start_date is required"))
    elif isinstance(start, str) and not _is_iso_date(start):
        errs.append(error("start_date", "invalid_date", "start_date must be an ISO date (YYYY-MM-DD)"))
    return errs


def _is_iso_date(text: str) -> bool:
    try:
        return bool(ISO_DATE.match(text)) and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _emails(body: dict[str, Any]) -> list[dict[str, Any]]:
    present = [k for k in ("home_email", "work_email") if not _blank(body.get(k))]
    if not present:
        return [error("home_email", "email_required", "at least one of home_email or work_email is required")]
    errs = [
        error(k, "invalid_email", f"{k} is not a valid email address")
        for k in present
        if isinstance(body[k], str) and not EMAIL.match(body[k])
    ]
    when = _obj(body, "invite").get("when")
    if when is not None and when not in INVITE_WHEN:
        errs.append(error("invite.when", "invalid_value", "invite.when must be one of: now, later"))
    send_to = _obj(body, "invite").get("send_to")
    if send_to is not None and send_to not in SEND_TO:
        errs.append(
            error("invite.send_to", "invalid_send_to", "send_to must be one of: work_email, home_email")
        )
    return errs


def _member_type_and_pay(body: dict[str, Any], reject_hourly_exempt: bool) -> list[dict[str, Any]]:
    kind = body.get("member_type")
    if _blank(kind):
        return [error("member_type", "required", "member_type is required")]
    if kind in UNSUPPORTED_TYPES:
        return [
            error("member_type", "unsupported_member_type", f"member type {kind!r} cannot be invited here")
        ]
    if kind not in MEMBER_TYPES:
        allowed = ", ".join(MEMBER_TYPES)
        return [error("member_type", "invalid_member_type", f"member_type must be one of: {allowed}")]
    errs = _compensation(body, required=kind in W2_TYPES)
    pay = _obj(body, "compensation")
    exemption = body.get("exemption_status")
    if kind == "contractor_us_1099":
        if exemption is not None:
            msg = "contractors have no exemption status"
            errs.append(error("exemption_status", "exemption_not_applicable", msg))
        return errs
    if exemption is None:
        errs.append(error("exemption_status", "required", "exemption_status is required for W-2 employees"))
    elif exemption not in EXEMPTIONS:
        msg = "exemption_status must be one of: exempt, nonexempt"
        errs.append(error("exemption_status", "invalid_exemption_status", msg))
    earnings = pay.get("type_of_earnings")
    judged = earnings in EARNINGS and exemption in EXEMPTIONS
    if kind == "employee_paid_intern" and judged and (earnings, exemption) != ("hour", "nonexempt"):
        msg = "a paid intern must be paid by the hour and be nonexempt"
        errs.append(error("member_type", "paid_intern_must_be_hourly_nonexempt", msg))
    elif reject_hourly_exempt and earnings == "hour" and exemption == "exempt":
        msg = "an hourly wage requires exemption_status nonexempt"
        errs.append(error("exemption_status", "exempt_requires_salary", msg))
    return errs


def _compensation(body: dict[str, Any], required: bool) -> list[dict[str, Any]]:
    if body.get("compensation") is None:
        missing = error("compensation", "required", "compensation is required for W-2 employees")
        return [missing] if required else []
    pay = _obj(body, "compensation")
    errs = []
    if pay.get("type_of_earnings") not in EARNINGS:
        msg = "type_of_earnings must be one of: hour, year"
        errs.append(error("compensation.type_of_earnings", "invalid_type_of_earnings", msg))
    amount = pay.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        msg = "amount must be a positive integer number of cents"
        errs.append(error("compensation.amount", "invalid_amount", msg))
    if _blank(pay.get("currency")):
        errs.append(error("compensation.currency", "required", "compensation.currency is required"))
    elif pay["currency"] != "USD":
        errs.append(error("compensation.currency", "unsupported_currency", "currency must be: USD"))
    return errs


def _references(
    body: dict[str, Any], company: dict[str, Any], members: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    errs = []
    for key, items in (("department", company["departments"]), ("office", company["offices"])):
        if body.get(key) is not None and resolve(body[key], items) is None:
            ref = _obj(body, key)
            where = f"{key}.id" if "id" in ref and "name" not in ref else f"{key}.name"
            errs.append(error(where, f"{key}_not_found", f"no {key} matches {ref!r} exactly"))
    if body.get("manager") is not None:
        member = members.get(str(_obj(body, "manager").get("member_id")))
        if member is None or not member["active"]:
            msg = "manager.member_id must be an existing active member"
            errs.append(error("manager.member_id", "manager_not_found", msg))
    return errs
