"""The console's roles, each able to do what the one before it can."""

from __future__ import annotations

from typing import Literal

ROLES = ("viewer", "operator", "admin")
PUBLIC = "public"
Role = Literal["viewer", "operator", "admin", "public"]


def allows(role: str, needed: str) -> bool:
    return needed == PUBLIC or (role in ROLES and ROLES.index(role) >= ROLES.index(needed))
