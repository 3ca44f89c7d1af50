"""Fault knobs: what the simulator does wrong on purpose, set through `/_sim/faults`."""

from __future__ import annotations

import dataclasses
from typing import Any

from hirebridge.sims.lever.errors import bad_request

PROBABILITIES = ("rate_429", "rate_5xx", "rate_5xx_after_write", "webhook_drop")


@dataclasses.dataclass
class Faults:
    latency_ms: float = 0.0
    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_5xx_after_write: float = 0.0
    webhook_drop: float = 0.0
    # An integer n >= 1 sends n extra copies of every delivery; a fraction in (0, 1) is the probability
    # of one extra copy.
    webhook_duplicate: float = 0
    webhook_reorder: bool = False
    webhook_delay_ms: float = 0.0
    rate_limit: dict[str, float] = dataclasses.field(default_factory=lambda: {"rps": 10.0, "burst": 20})
    # Keys the rate limit does not apply to: a harness acting as recruiters clicking in Lever's UI,
    # which does not spend the API key's budget.
    rate_limit_exempt: list[str] = dataclasses.field(default_factory=list)

    def clear(self) -> None:
        for name, value in dataclasses.asdict(Faults()).items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise bad_request(f"Unknown fault knob: {unknown[0]}")
        for name, value in changes.items():
            setattr(self, name, _checked(name, value, self))


def _checked(name: str, value: Any, current: Faults) -> Any:
    if name == "webhook_reorder":
        if not isinstance(value, bool):
            raise bad_request("webhook_reorder must be a boolean")
        return value
    if name == "rate_limit_exempt":
        if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
            raise bad_request("rate_limit_exempt must be a list of API keys")
        return value
    if name == "rate_limit":
        if not isinstance(value, dict) or set(value) - {"rps", "burst"}:
            raise bad_request("rate_limit must be an object with rps and burst")
        merged = {**current.rate_limit, **value}
        if merged["rps"] < 0 or merged["burst"] < 1:
            raise bad_request("rate_limit needs rps >= 0 and burst >= 1")
        return merged
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise bad_request(f"{name} must be a non-negative number")
    if name in PROBABILITIES and value > 1:
        raise bad_request(f"{name} is a probability between 0 and 1")
    return value
