"""Webhook signatures of Lever and Jira.

Lever signs `token + str(triggeredAt)` with the webhook's signature token (HMAC-SHA256, hex), not the
body, and sends no signature header: https://hire.lever.co/developer/documentation#securing-webhooks
Jira admin webhooks with a secret sign the raw body: `X-Hub-Signature: sha256=<hex HMAC-SHA256>`
(https://developer.atlassian.com/cloud/jira/platform/webhooks/).
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


def hub_signature(secret: str, body: bytes) -> str:
    """Jira admin webhooks: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_hub_signature(secret: str, body: bytes, header: str) -> bool:
    """The header is `method=signature`; only sha256 is accepted (a weaker method is a downgrade)."""
    method, _, given = header.strip().partition("=")
    if method.lower() != "sha256" or not given:
        return False
    expected = hub_signature(secret, body).removeprefix("sha256=")
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode("utf-8", "replace"))
