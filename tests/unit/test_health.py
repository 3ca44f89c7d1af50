"""When status calls a connection unhealthy, and which exit code says so."""

from __future__ import annotations

import pytest

from hirebridge.domain.health import Reading, Thresholds, exit_code, problems

LIMITS = Thresholds(behind_seconds=600, max_parked=2)


@pytest.mark.parametrize(
    ("reading", "conditions", "code"),
    [
        (Reading(), [], 0),
        (Reading(behind=3, behind_seconds=599), [], 0),  # behind, but not for long
        (Reading(behind=3, behind_seconds=601), ["behind"], 3),
        (Reading(behind=0, behind_seconds=9999), [], 0),
        (Reading(parked=2), [], 0),
        (Reading(parked=3), ["parked"], 4),
        (Reading(grant_refused=True), ["grant_refused"], 5),
        (Reading(behind=1, behind_seconds=700, parked=3), ["behind", "parked"], 4),
        (
            Reading(behind=1, behind_seconds=700, parked=3, grant_refused=True),
            ["behind", "parked", "grant_refused"],
            5,
        ),
    ],
)
def test_conditions_and_exit_codes(reading: Reading, conditions: list[str], code: int) -> None:
    found = problems({"main": reading, "quiet": Reading()}, LIMITS)
    assert [p.condition for p in found] == conditions
    assert all(p.connection == "main" for p in found)
    assert exit_code(found) == code


def test_a_problem_says_what_to_run() -> None:
    [parked, refused] = problems({"eu": Reading(parked=1, grant_refused=True)}, Thresholds())
    assert "hirebridge replay" in parked.message
    assert "hirebridge connections connect eu" in refused.message
