"""When `hirebridge status` calls a connection unhealthy, and the exit code that says why.

Exit codes, for scripts and cron checks: 0 healthy; 3 a subject has had a change unsynced for longer
than the threshold; 4 more effects parked than allowed; 5 Lever or Justworks refused an OAuth grant
(nothing of that connection flows until it is connected again). When several hold, the highest code is
returned.
2 is a usage or configuration error, as for every command.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

EXIT_HEALTHY = 0
EXIT_BEHIND = 3
EXIT_PARKED = 4
EXIT_GRANT_REFUSED = 5


@dataclass(frozen=True)
class Thresholds:
    behind_seconds: float = 900.0  # a reconcile retries for minutes before a subject counts as stuck
    max_parked: int = 0  # a parked effect waits for a person: any is a problem by default


@dataclass(frozen=True)
class Reading:
    """One connection's state, as status reads it (a Justworks connection, `justworks:NAME`, has a grant
    only)."""

    behind: int = 0
    behind_seconds: float = 0.0
    parked: int = 0
    grant_refused: bool = False


@dataclass(frozen=True)
class Problem:
    condition: str  # behind, parked, grant_refused
    connection: str
    message: str
    exit_code: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def problems(readings: Mapping[str, Reading], limits: Thresholds) -> list[Problem]:
    found = []
    for name, r in sorted(readings.items()):
        if r.behind and r.behind_seconds > limits.behind_seconds:
            found.append(
                Problem(
                    "behind",
                    name,
                    f"{r.behind} subject(s) behind, the oldest change unsynced for {r.behind_seconds:.0f} s "
                    f"(over {limits.behind_seconds:.0f} s)",
                    EXIT_BEHIND,
                )
            )
        if r.parked > limits.max_parked:
            found.append(
                Problem(
                    "parked",
                    name,
                    f"{r.parked} parked effect(s) (over {limits.max_parked}): fix the cause, then "
                    "`hirebridge replay`",
                    EXIT_PARKED,
                )
            )
        if r.grant_refused:
            found.append(
                Problem(
                    "grant_refused",
                    name,
                    f"{_service(name)} refused the OAuth grant: run `hirebridge connections connect {name}`",
                    EXIT_GRANT_REFUSED,
                )
            )
    return found


def exit_code(found: list[Problem]) -> int:
    return max((p.exit_code for p in found), default=EXIT_HEALTHY)


def _service(connection: str) -> str:
    return "Justworks" if connection.startswith("justworks:") else "Lever"
