"""Lever webhook signatures.

Lever signs `token + str(triggeredAt)` with the webhook's signature token (HMAC-SHA256, hex), not the
body, and sends no signature header: https://hire.lever.co/developer/documentation#securing-webhooks
"""

from __future__ import annotations

import hashlib
import hmac


def lever_signature(signature_token: str, token: str, triggered_at: int) -> str:
    message = f"{token}{triggered_at}".encode()
    return hmac.new(signature_token.encode(), message, hashlib.sha256).hexdigest()


def verify_lever_signature(signature_token: str, token: str, triggered_at: int, signature: str) -> bool:
    expected = lever_signature(signature_token, token, triggered_at)
    # compare_digest raises TypeError on non-ASCII str; compare bytes instead.
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
