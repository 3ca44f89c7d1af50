"""Everything the simulator remembers, in memory, behind one object per app."""

from __future__ import annotations

import copy
import random
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from fastapi import Request

from hirebridge.sims.justworks.clock import Clock, iso
from hirebridge.sims.justworks.errors import fail
from hirebridge.sims.justworks.seed import expand_member, merged_seed


@dataclass
class Config:
    access_token_ttl_seconds: int = 86400
    refresh_token_ttl_seconds: int = 2592000
    authorization_code_ttl_seconds: int = 600
    invite_requires_work_email: bool = False
    reject_hourly_exempt: bool = True


@dataclass
class Faults:
    latency_ms: int = 0
    rate_429: float = 0.0
    rate_5xx: float = 0.0
    retry_after_seconds: int = 1
    random_seed: int | None = None


def update_settings(target: Config | Faults, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply a partial update from the control API, checking names and types."""
    known = {f.name: f for f in fields(target)}
    for name, value in changes.items():
        if name not in known:
            raise fail(400, "unknown_field", f"unknown setting {name!r}", name)
        current = getattr(target, name)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(current, bool) and not isinstance(value, bool):
            raise fail(400, "invalid_value", f"{name} must be a boolean", name)
        if not isinstance(current, bool) and value is not None and not numeric:
            raise fail(400, "invalid_value", f"{name} must be a number", name)
        if name.startswith("rate_") and not 0.0 <= value <= 1.0:
            raise fail(400, "invalid_value", f"{name} must be between 0 and 1", name)
        if numeric and value < 0:
            raise fail(400, "invalid_value", f"{name} must not be negative", name)
        setattr(target, name, value)
    return asdict(target)


@dataclass
class State:
    seed: dict[str, Any] | None = None
    clock: Clock = field(default_factory=Clock)
    config: Config = field(default_factory=Config)
    faults: Faults = field(default_factory=Faults)
    rng: random.Random = field(default_factory=random.Random)
    # OAuth grants survive a reset so that a running client keeps working across tests.
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.clock.reset()
        self.config = Config()
        self.faults = Faults()
        self.rng = random.Random()
        self.requests: list[dict[str, Any]] = []
        self.stats: Counter[str] = Counter()
        self.load(self.seed)

    def load(self, seed: dict[str, Any] | None) -> None:
        """Replace company, members, admins and clients; raises before changing anything if malformed."""
        data = merged_seed(seed)
        now = iso(self.clock.now())
        company = data["company"]
        names = {m["id"]: f"{m['given_name']} {m['family_name']}" for m in data["members"]}
        members = {
            raw["id"]: expand_member(raw, company, n, now, names)
            for n, raw in enumerate(data["members"], start=1)
        }
        admins = [
            {"id": a["id"], "member_id": a.get("member_id"), "name": a["name"], "email": a["email"],
             "permissions": list(a.get("permissions", []))}
            for a in data["admins"]
        ]  # fmt: skip
        self.clients = {c["client_id"]: c["client_secret"] for c in data["clients"]}
        self.company, self.members, self.admins = company, members, admins
        self.people: dict[str, dict[str, Any]] = {}  # added through "Add a person", by member id
        self.outbox: list[dict[str, Any]] = []
        self.counters: Counter[str] = Counter()

    def add_member(self, raw: dict[str, Any]) -> str:
        names = {i: m["name"]["full_preferred_name"] for i, m in self.members.items()}
        member_id = raw.get("id") or self.next_id("mem")
        now = iso(self.clock.now())
        member = expand_member({**raw, "id": member_id}, self.company, len(self.members) + 1, now, names)
        self.members[member_id] = member
        return member_id

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] += 1
        return f"{prefix}_{self.counters[prefix]:06d}"

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(
            {
                "now": iso(self.clock.now()),
                "company": self.company,
                "members": list(self.members.values()),
                "admins": self.admins,
                "people": list(self.people.values()),
                "outbox": self.outbox,
                "config": asdict(self.config),
                "faults": asdict(self.faults),
                "oauth": {"clients": sorted(self.clients), "live_access_tokens": len(self.tokens)},
            }
        )


def sim(request: Request) -> State:
    return request.app.state.sim
