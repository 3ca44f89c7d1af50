"""One running simulator: account data, clock, faults, rate limits, deliveries and the request log."""

from __future__ import annotations

import copy
import random
from collections import Counter, deque
from typing import Any

from fastapi import Request

from hirebridge.sims.lever import pipeline
from hirebridge.sims.lever.clock import Clock
from hirebridge.sims.lever.company import default_company
from hirebridge.sims.lever.delivery import Deliveries, Settings
from hirebridge.sims.lever.faults import Faults
from hirebridge.sims.lever.oauth import OAuthState
from hirebridge.sims.lever.pipeline import Event
from hirebridge.sims.lever.ratelimit import TokenBuckets
from hirebridge.sims.lever.store import Record, Store
from hirebridge.sims.lever.webhook_settings import WebhookSettings

LOG_SIZE = 10_000


class Sim:
    def __init__(self, seed: Record | None = None) -> None:
        self.seed = copy.deepcopy(seed) if seed is not None else default_company()
        self.clock = Clock()
        self.rng = random.Random()
        self.settings = Settings()
        self.webhook_settings = WebhookSettings()
        self.faults = Faults()
        self.limiter = TokenBuckets()
        self.store = Store(self.seed, self.clock)
        self.oauth = OAuthState(self.clock)
        self.oauth.load(self.seed.get("oauth_clients"))
        self.deliveries = Deliveries(self.settings, self.faults, self.clock, self.rng)
        self.requests: deque[Record] = deque(maxlen=LOG_SIZE)
        self.stats: dict[str, Counter[str]] = {
            "byMethod": Counter(),
            "byRoute": Counter(),
            "byStatus": Counter(),
            "byKey": Counter(),
        }
        self._seed_opportunities()

    def reset(self, seed: Record | None = None, keep_webhooks: bool = False) -> None:
        webhooks, api_made = dict(self.store.webhooks), set(self.store.api_webhooks)
        if seed is not None:
            self.seed = copy.deepcopy(seed)
        self.clock.reset()
        self.faults.clear()
        self.limiter.clear()
        self.deliveries.clear()
        self.requests.clear()
        for counter in self.stats.values():
            counter.clear()
        self.store.load(self.seed)
        self.oauth.load(self.seed.get("oauth_clients"))
        if keep_webhooks:
            self.store.webhooks.update(webhooks)
            self.store.api_webhooks |= api_made
        self._seed_opportunities()

    def _seed_opportunities(self) -> None:
        now = self.clock.now()
        for raw in self.seed.get("opportunities", []):
            body = dict(raw)
            performer = body.pop("perform_as", None) or body.get("owner")
            stage = body.pop("stage", None)
            opp, _ = pipeline.create(self.store, {**body, "stage": "lead-new"}, performer, now)
            if stage and stage != "lead-new":
                pipeline.move(self.store, opp, stage, performer, now)

    def emit(self, events: list[Event]) -> None:
        enabled = self.webhook_settings.enabled_events
        hooks = [
            w
            for w in self.store.webhooks.values()
            if w["id"] not in self.store.api_webhooks or w["event"] in enabled
        ]
        self.deliveries.emit(hooks, events)

    def performer(self, request: Request, required: bool = False) -> str | None:
        return self.store.performer(request.query_params.get("perform_as"), required)

    def actor(self, request: Request) -> str | None:
        """The user an action is attributed to: `perform_as`, else the API key's or OAuth grant's user."""
        explicit = self.performer(request)
        return explicit or request.scope.get("lever_user")

    def state(self) -> dict[str, Any]:
        s = self.store
        return {
            "account": s.account,
            "users": list(s.users.values()),
            "stages": s.stages,
            "archive_reasons": list(s.archive_reasons.values()),
            "postings": list(s.postings.values()),
            "requisitions": list(s.requisitions.values()),
            "requisition_fields": s.requisition_fields,
            "feedback_templates": list(s.feedback_templates.values()),
            "contacts": list(s.contacts.values()),
            "opportunities": list(s.opportunities.values()),
            "applications": list(s.applications.values()),
            "notes": s.notes,
            "offers": s.offers,
            "panels": s.panels,
            "feedback": s.feedback,
            "deleted": s.deleted,
            "webhooks": list(s.webhooks.values()),
            "clock": {"now": self.clock.now(), "offsetMs": self.clock.offset_ms},
            "faults": self.faults.as_dict(),
            "webhook_settings": self.webhook_settings.as_dict(),
        }


def sim_of(request: Request) -> Sim:
    return request.app.state.sim
