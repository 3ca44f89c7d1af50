"""The filters recipe templates add to Jinja's: dates, business days, names, money, slugs.

All pure. Lever sends times as milliseconds since the epoch
(https://hire.lever.co/developer/documentation#opportunities), Jira and people write ISO dates, so
`date` and `add_business_days` accept all three.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$"}
_NO_MINOR_UNITS = frozenset({"JPY", "KRW"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def to_datetime(value: object) -> dt.datetime:
    """A datetime from ms since the epoch (UTC), an ISO 8601 string, a date or a datetime."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"not an ISO date: {value!r}") from None
    raise ValueError(f"not a date: {value!r}")


def date(value: object, fmt: str = "%Y-%m-%d") -> str:
    return to_datetime(value).strftime(fmt)


def add_business_days(value: object, days: int) -> dt.date:
    """`value` moved by `days` working days (Monday to Friday); negative days go back."""
    day = to_datetime(value).date()
    step = 1 if days >= 0 else -1
    remaining = abs(int(days))
    while remaining:
        day += dt.timedelta(days=step)
        if day.weekday() < 5:
            remaining -= 1
    return day


def first_name(full_name: object) -> str:
    # The same split as the candidate view (domain/view.py): first word, then the rest.
    return str(full_name).strip().partition(" ")[0]


def last_name(full_name: object) -> str:
    return str(full_name).strip().partition(" ")[2].strip()


def money(value: object, currency: str = "USD") -> str:
    """`120000` → `$120,000.00`; a currency without a known symbol is written after the amount."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    code = str(currency).upper()
    places = 0 if code in _NO_MINOR_UNITS else 2
    digits = f"{abs(amount):,.{places}f}"
    sign = "-" if amount < 0 else ""
    symbol = _SYMBOLS.get(code)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {code}"


def slug(value: object) -> str:
    """`Senior Engineer (Backend)` → `senior-engineer-backend`; ASCII only."""
    ascii_text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


FILTERS: dict[str, Callable[..., Any]] = {
    "date": date,
    "add_business_days": add_business_days,
    "first_name": first_name,
    "last_name": last_name,
    "money": money,
    "slug": slug,
}
