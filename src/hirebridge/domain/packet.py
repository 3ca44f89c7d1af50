"""The Justworks new-hire packet (U9): built from the recipe's rendered fields and checked against what
Justworks' "Add a person" form accepts and the company's own lists (departments, offices, members).

Pure. Every problem is reported at once with the field and an exact reason, so an admin can correct
the packet in one pass; a packet with any problem is never sent. Only packet fields exist here: files,
resumes and anything else from Lever cannot reach Justworks because there is no field to carry them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

# The fields in the order Justworks' "Add a person" form asks for them, with its labels: the member
# type first, then (for W-2 employees) pay and exemption status, then the person, then the invite's
# addresses.
FIELDS: tuple[tuple[str, str], ...] = (
    ("member_type", "Member type"),
    ("compensation_amount", "Compensation amount"),
    ("earnings_type", "Type of earnings"),
    ("currency", "Currency"),
    ("exemption_status", "Exemption status"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("title", "Title"),
    ("manager_email", "Reports to"),
    ("department", "Department"),
    ("office", "Office"),
    ("start_date", "Start date"),
    ("home_email", "Home email"),
)
# Justworks' own labels of the choices (its UI strings).
MEMBER_TYPE_LABELS = {
    "employee_full_time": "Employee – Full Time (W-2)",
    "employee_part_time": "Employee – Part Time (W-2)",
    "employee_paid_intern": "Employee – Paid Intern (W-2)",
    "contractor_us_1099": "U.S. Contractor or Consultant (1099)",
}
EARNINGS_LABELS = {"year": "Year (salary)", "hour": "Hour (wage)"}
EXEMPTION_LABELS = {"exempt": "Exempt", "nonexempt": "Non-exempt"}
FIELD_NAMES = frozenset(name for name, _ in FIELDS)
W2_TYPES = frozenset({"employee_full_time", "employee_part_time", "employee_paid_intern"})
CONTRACTOR = "contractor_us_1099"
# Lever commitments and Justworks' own tokens and labels, compared without case or punctuation.
MEMBER_TYPES = {
    "employee_full_time": ("full time", "fulltime", "employee full time", "employee full time w 2"),
    "employee_part_time": ("part time", "parttime", "employee part time", "employee part time w 2"),
    "employee_paid_intern": ("intern", "internship", "paid intern", "employee paid intern"),
    CONTRACTOR: (
        "contractor",
        "contractor us 1099",
        "1099",
        "consultant",
        "us contractor or consultant 1099",
    ),
}
UNSUPPORTED_TYPES = ("eor", "outside us", "international contractor", "vendor", "owner", "third party admin")
EARNINGS = {
    "year": ("year", "yearly", "annual", "annually", "per year salary", "year salary"),
    "hour": ("hour", "hourly", "per hour wage", "hour wage"),
}
EXEMPTION = {"exempt": ("exempt",), "nonexempt": ("nonexempt", "non exempt")}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Named:
    id: str
    name: str


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    emails: tuple[str, ...]
    active: bool


@dataclass(frozen=True)
class Directory:
    """Justworks' own lists the packet is matched against."""

    departments: tuple[Named, ...] = ()
    offices: tuple[Named, ...] = ()
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


@dataclass(frozen=True)
class PacketCheck:
    values: dict[str, str]
    problems: tuple[Problem, ...]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems


def _key(value: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value.lower()).split())


def _token(value: str, table: Mapping[str, tuple[str, ...]]) -> str | None:
    wanted = _key(value)
    return next((token for token, names in table.items() if wanted in names or wanted == _key(token)), None)


def token_of(name: str, value: str) -> str | None:
    """Justworks' own token for a choice field's value (member type, type of earnings, exemption)."""
    table = {"member_type": MEMBER_TYPES, "earnings_type": EARNINGS, "exemption_status": EXEMPTION}[name]
    return _token(value, table) if value else None


def named(value: str, options: tuple[Named, ...]) -> Named | None:
    """Justworks matches names exactly; a difference of case or spacing alone still finds the one."""
    exact = [o for o in options if o.name == value]
    loose = [o for o in options if " ".join(o.name.lower().split()) == " ".join(value.lower().split())]
    found = exact or loose
    return found[0] if len(found) == 1 else None


def _cents(value: str) -> int | None:
    try:
        amount = Decimal(value.replace("$", "").replace(",", "").replace(" ", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


def merged(source: Mapping[str, Any], corrections: Mapping[str, Any]) -> dict[str, str]:
    """The packet's values: what Lever gave, with an admin's corrections on top."""
    values = {name: str(source.get(name) or "").strip() for name, _ in FIELDS}
    values.update({k: str(v).strip() for k, v in corrections.items() if k in FIELD_NAMES})
    return values


class _Checker:
    """Checks one group of fields at a time, collecting every problem and the body Justworks takes."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.v = {name: str(values.get(name) or "").strip() for name, _ in FIELDS}
        self.problems: list[Problem] = []
        self.body: dict[str, Any] = {"source": "lever"}

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(name, message))

    def person(self) -> None:
        v = self.v
        for name in ("first_name", "last_name"):
            if not v[name]:
                self.problem(name, f"{dict(FIELDS)[name].lower()} is missing (Lever's name may be one word)")
            self.body[name] = v[name]
        self.body["title"] = v["title"] or None
        if not v["home_email"]:
            self.problem("home_email", "home email is missing; Justworks needs an address to invite the hire")
        elif not EMAIL.match(v["home_email"]):
            self.problem("home_email", f"home email '{v['home_email']}' is not an email address")
        self.body["home_email"] = v["home_email"] or None
        if not v["start_date"]:
            self.problem("start_date", "start date is missing (no anticipated start date on the offer)")
            return
        try:
            self.body["start_date"] = date.fromisoformat(v["start_date"][:10]).isoformat()
        except ValueError:
            self.problem("start_date", f"start date '{v['start_date']}' is not a date (YYYY-MM-DD)")

    def member_type(self) -> str | None:
        given = self.v["member_type"]
        found = _token(given, MEMBER_TYPES) if given else None
        if not given:
            self.problem("member_type", "member type is missing")
        elif found is None:
            unsupported = any(word in _key(given) for word in UNSUPPORTED_TYPES)
            self.problem(
                "member_type",
                f"member type '{given}' is "
                + ("not one Justworks can invite through this form" if unsupported else "unknown")
                + "; Justworks accepts full-time, part-time, paid intern (W-2) or US contractor (1099)",
            )
        self.body["member_type"] = found
        return found

    def compensation(self, member_type: str | None) -> str | None:
        v = self.v
        earnings = _token(v["earnings_type"], EARNINGS) if v["earnings_type"] else None
        paid = bool(v["compensation_amount"] or v["earnings_type"])
        if not (member_type in W2_TYPES or (member_type == CONTRACTOR and paid)):
            return earnings  # a contractor may be added without pay; Justworks asks for it later
        cents = _cents(v["compensation_amount"]) if v["compensation_amount"] else None
        if not v["compensation_amount"]:
            self.problem("compensation_amount", "compensation amount is missing")
        elif cents is None:
            amount = v["compensation_amount"]
            self.problem(
                "compensation_amount", f"compensation amount '{amount}' is not a positive dollar amount"
            )
        if not v["earnings_type"]:
            self.problem("earnings_type", "type of earnings is missing; Justworks accepts hour or year")
        elif earnings is None:
            kind = "a monthly salary" if "month" in _key(v["earnings_type"]) else f"'{v['earnings_type']}'"
            self.problem(
                "earnings_type",
                f"type of earnings is {kind}; Justworks accepts only hour (wage) or year (salary)",
            )
        currency = (v["currency"] or "USD").upper()
        if currency != "USD":
            self.problem("currency", f"compensation currency is {currency}; Justworks pays in USD only")
        self.body["compensation"] = {"type_of_earnings": earnings, "amount": cents, "currency": currency}
        return earnings

    def exemption(self, member_type: str | None, earnings: str | None) -> None:
        # A contractor has no exemption status: Justworks refuses one, so none is sent.
        if member_type not in W2_TYPES:
            return
        given = self.v["exemption_status"]
        exemption = _token(given, EXEMPTION) if given else None
        if not given:
            self.problem("exemption_status", "exemption status is missing (exempt or nonexempt)")
        elif exemption is None:
            self.problem("exemption_status", f"exemption status '{given}' is not exempt or nonexempt")
        if member_type == "employee_paid_intern" and (earnings, exemption) != ("hour", "nonexempt"):
            self.problem("member_type", "a paid intern must be paid by the hour and nonexempt")
        elif earnings == "hour" and exemption == "exempt":
            self.problem("exemption_status", "an hourly (wage) employee cannot be exempt")
        self.body["exemption_status"] = exemption

    def placement(self, directory: Directory) -> None:
        v = self.v
        for name, options in (("department", directory.departments), ("office", directory.offices)):
            if v[name]:
                match = named(v[name], options)
                if match is None:
                    known = ", ".join(sorted(o.name for o in options)) or "none"
                    self.problem(name, f"{name} '{v[name]}' is not one of Justworks' {name}s ({known})")
                self.body[name] = {"id": match.id, "name": match.name} if match else None
        if v["manager_email"]:
            wanted = v["manager_email"].lower()
            manager = next(
                (m for m in directory.members if m.active and wanted in (e.lower() for e in m.emails)), None
            )
            if manager is None:
                self.problem(
                    "manager_email", f"no active Justworks member has the email {v['manager_email']}"
                )
            else:
                self.body["manager"] = {"member_id": manager.id}


def check_packet(values: Mapping[str, str], directory: Directory) -> PacketCheck:
    """Every problem of the packet at once; the Justworks body only when there is none."""
    checker = _Checker(values)
    checker.person()
    member_type = checker.member_type()
    checker.exemption(member_type, checker.compensation(member_type))
    checker.placement(directory)
    problems = tuple(checker.problems)
    return PacketCheck(values=checker.v, problems=problems, body={} if problems else checker.body)


def outcome_note(status: str, detail: str | None) -> str:
    """The Lever note that records how the packet ended: the person joined Justworks, or an admin
    declined it. `detail` says how the member was matched when it was not by home email."""
    if status == "joined":
        how = f" ({detail})" if detail else ""
        return f"Added to Justworks: the new hire now appears among Justworks' members{how}."
    if status == "sent":
        return f"New-hire packet sent to Justworks by an admin ({detail or 'pending hire'})."
    return "New-hire packet for Justworks declined by an admin; nothing was added to Justworks."


OFFER_CHECK_TITLE = "Justworks check of this offer"


def offer_check_note(check: PacketCheck) -> str | None:
    """What the recruiter should fix before the hire so that Justworks takes the new hire as offered;
    None when nothing is wrong."""
    if check.valid:
        return None
    lines = [f"{OFFER_CHECK_TITLE}: Justworks will not accept this hire as it stands. Please fix:"]
    lines += [f"- {dict(FIELDS).get(p.field, p.field)}: {p.message}" for p in check.problems]
    return "\n".join(lines)


def offer_check_cleared() -> str:
    return f"{OFFER_CHECK_TITLE}: everything Justworks needs is now in the offer. Nothing to fix."
