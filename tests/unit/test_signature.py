from __future__ import annotations

import pytest

from hirebridge.domain.signature import lever_signature, verify_lever_signature

# Lever's algorithm (API documentation, "Securing webhooks") applied to the documented token and
# triggeredAt.
KEY = "test-signature-token"
TOKEN = "be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154"
TRIGGERED_AT = 1431454330072
EXPECTED = "67237316b71be6f4595c3313d347b09353b22d7cbab3726261b73d409acd8fd7"


def test_test_vector() -> None:
    assert lever_signature(KEY, TOKEN, TRIGGERED_AT) == EXPECTED
    assert verify_lever_signature(KEY, TOKEN, TRIGGERED_AT, EXPECTED)


@pytest.mark.parametrize(
    ("key", "token", "triggered_at", "signature"),
    [
        ("another-token", TOKEN, TRIGGERED_AT, EXPECTED),  # wrong webhook token
        (KEY, TOKEN[:-1] + "5", TRIGGERED_AT, EXPECTED),  # token altered
        (KEY, TOKEN, TRIGGERED_AT + 1, EXPECTED),  # replayed with another time
        (KEY, TOKEN, TRIGGERED_AT, ""),  # missing
        (KEY, TOKEN, TRIGGERED_AT, EXPECTED.upper()),  # not Lever's lower-case hex
        (KEY, TOKEN, TRIGGERED_AT, "é" * 64),  # non-ASCII must not raise
    ],
)
def test_rejects(key: str, token: str, triggered_at: int, signature: str) -> None:
    assert not verify_lever_signature(key, token, triggered_at, signature)


def test_any_single_bit_flip_is_rejected() -> None:
    for position in range(len(EXPECTED)):
        flipped = (
            EXPECTED[:position] + format(int(EXPECTED[position], 16) ^ 1, "x") + EXPECTED[position + 1 :]
        )
        assert not verify_lever_signature(KEY, TOKEN, TRIGGERED_AT, flipped)
