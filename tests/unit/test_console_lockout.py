from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hirebridge.config.console import ConsoleSettings
from hirebridge.web.console.lockout import Failures, Lockout, account_key, address_key
from hirebridge.web.console.passwords import Passwords, WeakPassword
from hirebridge.web.console.signin import next_page

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
POLICY = Lockout(account_threshold=5, address_threshold=20, base_seconds=30, max_seconds=900)


@pytest.mark.parametrize(
    ("failures", "threshold", "wait"),
    [(0, 5, 0), (4, 5, 0), (5, 5, 30), (6, 5, 60), (7, 5, 120), (10, 5, 900), (10_000, 5, 900), (19, 20, 0)],
)
def test_the_wait_doubles_from_the_threshold_up_to_the_ceiling(
    failures: int, threshold: int, wait: float
) -> None:
    assert POLICY.wait(failures, threshold) == wait


@pytest.mark.parametrize(
    ("account", "address", "expected"),
    [
        (None, None, None),
        (Failures(4, NOW), Failures(19, NOW), None),
        (Failures(5, NOW - timedelta(seconds=10)), None, NOW + timedelta(seconds=20)),
        (Failures(5, NOW - timedelta(seconds=31)), None, None),
        (Failures(1, NOW), Failures(21, NOW), NOW + timedelta(seconds=60)),
        (Failures(6, NOW), Failures(20, NOW), NOW + timedelta(seconds=60)),  # the later of the two
    ],
)
def test_retry_at(account: Failures | None, address: Failures | None, expected: datetime | None) -> None:
    assert POLICY.retry_at(account, address, NOW) == expected


def test_keys_keep_neither_address_nor_email_and_differ_by_kind() -> None:
    assert b"ada" not in account_key("ada@example.com") and len(account_key("x")) == 32
    assert account_key("1.2.3.4") != address_key("1.2.3.4")


def test_passwords_are_argon2id_renewed_when_the_cost_changes_and_short_ones_refused() -> None:
    cheap = Passwords(
        ConsoleSettings(password_memory_kib=19456, password_time_cost=2, password_parallelism=1)
    )
    stored = cheap.hash("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert cheap.verify(stored, "correct horse battery staple")
    assert not cheap.verify(stored, "correct horse battery stapl")
    assert not cheap.verify(None, "anything at all here")
    assert not cheap.verify("garbage", "anything at all here")
    assert not cheap.needs_rehash(stored) and Passwords().needs_rehash(stored)
    with pytest.raises(WeakPassword):
        cheap.hash("short")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/console/failures?cause=x", "/console/failures?cause=x"),
        ("//evil.example/console", "/console"),
        ("https://evil.example/console", "/console"),
        ("/console\\..\\x", "/console"),
        ("/review/packets/x", "/console"),
        (None, "/console"),
    ],
)
def test_after_sign_in_only_console_pages_of_this_site(value: str | None, expected: str) -> None:
    assert next_page(value) == expected
