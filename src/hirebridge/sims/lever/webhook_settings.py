"""The account's webhook settings page: which event groups a Super Admin has turned on, and where to.

Webhooks created through the API send nothing until a Super Admin toggles their event on in Lever's
settings (Lever's API documentation, https://hire.lever.co/developer/documentation, "Webhooks via the
API"; help.lever.co article "What is Lever's Webhooks Subscription API?"), and Lever delivers only over
HTTPS with a CA-verified certificate (the same documentation, "Receiving webhooks"). Plain HTTP to a
loopback address is a switch of this simulator for tests and the demo; it is off by default.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from urllib.parse import urlsplit

from hirebridge.sims.lever.errors import bad_request
from hirebridge.sims.lever.store import Record

LOOPBACK_NAMES = {"localhost"}


@dataclasses.dataclass
class WebhookSettings:
    enabled_events: set[str] = dataclasses.field(default_factory=set)
    allow_http_loopback: bool = False

    def as_dict(self) -> Record:
        return {
            "enabled_events": sorted(self.enabled_events),
            "allow_http_loopback": self.allow_http_loopback,
        }

    def update(self, body: Record, known: tuple[str, ...]) -> None:
        if "enabled_events" in body:
            events = body["enabled_events"]
            if events == "all":
                events = list(known)
            if not isinstance(events, list) or set(events) - set(known):
                raise bad_request(f"enabled_events must be 'all' or a list of {', '.join(known)}")
            self.enabled_events = set(events)
        if "allow_http_loopback" in body:
            if not isinstance(body["allow_http_loopback"], bool):
                raise bad_request("allow_http_loopback must be true or false")
            self.allow_http_loopback = body["allow_http_loopback"]
        unknown = set(body) - {"enabled_events", "allow_http_loopback"}
        if unknown:
            raise bad_request(f"Unknown webhook setting: {sorted(unknown)[0]}")

    def check_url(self, url: object) -> str:
        if not isinstance(url, str):
            raise bad_request("Missing or invalid field: url")
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname:
            return url
        if parts.scheme == "http" and self.allow_http_loopback and _loopback(parts.hostname or ""):
            return url
        raise bad_request("Missing or invalid field: url (webhooks are delivered over HTTPS only)")


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
