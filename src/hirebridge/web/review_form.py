"""The review page's form: the packet's fields as Justworks' "Add a person" form asks for them, each
with its input (dates as dates, choices from Justworks' own lists) and the text to copy into Justworks.
Pure: built from the packet's values and the company's lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from hirebridge.domain.packet import (
    EARNINGS_LABELS,
    EXEMPTION_LABELS,
    FIELDS,
    MEMBER_TYPE_LABELS,
    Directory,
    named,
    token_of,
)

CHOICES = {
    "member_type": MEMBER_TYPE_LABELS,
    "earnings_type": EARNINGS_LABELS,
    "exemption_status": EXEMPTION_LABELS,
}
INPUT_TYPES = {"start_date": "date", "home_email": "email", "compensation_amount": "number"}


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    kind: str  # text | date | email | number | select
    value: str  # what the form submits
    copy: str  # what the admin types into Justworks
    options: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)  # (value, label, copy)


def _amount(value: str) -> str:
    try:
        return f"{Decimal(value.replace(',', '').replace('$', '')):,.2f}"
    except InvalidOperation:
        return value


def _select(
    name: str, label: str, value: str, options: list[tuple[str, str, str]], chosen: str | None
) -> Input:
    if chosen is None and value:
        options = [(value, f"{value} (from Lever; not one of Justworks' choices)", value), *options]
    elif chosen is None:
        options = [("", "(choose)", ""), *options]
    selected = chosen if chosen is not None else value
    copy = next((text for key, _, text in options if key == selected and chosen is not None), value)
    return Input(name, label, "select", selected, copy, tuple(options))


def form_inputs(values: dict[str, str], directory: Directory | None) -> list[Input]:
    """One input per packet field, in the form's order. Without Justworks' lists (not reachable),
    departments, offices and managers are plain text."""
    inputs = []
    for name, label in FIELDS:
        value = values.get(name, "")
        if name in CHOICES:
            labels = CHOICES[name]
            pairs = [(key, text, text) for key, text in labels.items()]
            inputs.append(_select(name, label, value, pairs, token_of(name, value)))
        elif name in ("department", "office") and directory is not None:
            options = directory.departments if name == "department" else directory.offices
            found = named(value, options) if value else None
            pairs = [(o.name, o.name, o.name) for o in options]
            inputs.append(_select(name, label, value, pairs, found.name if found else None))
        elif name == "manager_email" and directory is not None:
            active = sorted((m for m in directory.members if m.active and m.emails), key=lambda m: m.name)
            pairs = [(m.emails[0], f"{m.name} ({m.emails[0]})", m.name) for m in active]
            chosen = next((m for m in active if value.lower() in (e.lower() for e in m.emails)), None)
            inputs.append(_select(name, label, value, pairs, chosen.emails[0] if chosen else None))
        else:
            kind = INPUT_TYPES.get(name, "text")
            shown = value[:10] if kind == "date" else value
            copy = _amount(value) if kind == "number" and value else shown
            inputs.append(Input(name, label, kind, shown, copy))
    return inputs
