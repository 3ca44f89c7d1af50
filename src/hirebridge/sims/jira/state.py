"""Everything the simulator remembers, reset to the seed by `/_sim/reset`."""

from __future__ import annotations

import asyncio
import copy
import random
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hirebridge.sims.jira.errors import JiraError, not_found
from hirebridge.sims.jira.site import Site

DEFAULT_FAULTS: dict[str, Any] = {
    "latency_ms": 0,
    "latency_after_write_ms": 0,
    "rate_429": 0.0,
    "rate_5xx": 0.0,
    "search_lag_seconds": 0.0,
    "rate_limit_rps": None,
    # "route": a bucket per method and route (Jira's burst limits); "site": one bucket for every call.
    "rate_limit_scope": "route",
    "webhook_drop": 0.0,
    "webhook_duplicate": 0.0,
}
DEFAULT_CONFIG: dict[str, Any] = {
    "webhook_retry_base_seconds": 2.0,
    "webhook_max_retries": 5,
    "webhook_timeout_seconds": 10.0,
    "per_issue_write_limits": True,
}
PER_ISSUE_WINDOWS = ((20, 2.0), (100, 30.0))


@dataclass
class Issue:
    id: str
    key: str
    project_id: str
    type_id: str
    status_id: str
    fields: dict[str, Any]
    created: float
    updated: float
    comments: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    remote_links: list[dict[str, Any]] = field(default_factory=list)
    changelog: list[dict[str, Any]] = field(default_factory=list)
    watchers: list[str] = field(default_factory=list)


class State:
    def __init__(self, seed: dict[str, Any] | None) -> None:
        self.seed = seed
        self.clock_offset = 0.0
        self.faults: dict[str, Any] = dict(DEFAULT_FAULTS)
        self.config: dict[str, Any] = dict(DEFAULT_CONFIG)
        self.rng = random.Random(0)
        self.worker: asyncio.Task[None] | None = None
        self.writes_in_flight = 0
        self.reset()

    def reset(self) -> None:
        self.site = Site.load(self.seed)
        self.issues: dict[str, Issue] = {}
        self.keys: dict[str, str] = {}
        self.links: dict[str, dict[str, Any]] = {}
        self.index: dict[str, list[tuple[float, Issue | None]]] = {}
        self.counters: dict[str, int] = defaultdict(int)
        self.requests: deque[dict[str, Any]] = deque(maxlen=5000)
        self.stats: dict[str, int] = defaultdict(int)
        self.refused: dict[str, int] = defaultdict(int)  # 429s by route: calls the rate limit turned away
        self.writes: dict[str, deque[float]] = defaultdict(deque)
        self.buckets: dict[str, tuple[float, float]] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.deliveries: dict[str, dict[str, Any]] = {}
        self.faults = dict(DEFAULT_FAULTS)
        self.config = dict(DEFAULT_CONFIG)
        self.clock_offset = 0.0
        self.rng = random.Random(0)

    def now(self) -> float:
        return time.time() + self.clock_offset

    def stamp(self, when: float | None = None) -> str:
        moment = datetime.fromtimestamp(self.now() if when is None else when, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"

    def next_id(self, kind: str, start: int = 10000) -> str:
        self.counters[kind] += 1
        return str(start + self.counters[kind] - 1)

    def issue(self, ref: str) -> Issue:
        issue_id = ref if ref in self.issues else self.keys.get(str(ref).upper())
        if issue_id is None:
            raise not_found()
        return self.issues[issue_id]

    def reindex(self, issue: Issue) -> None:
        """Schedules what `search/jql` sees, after the configured lag."""
        visible_at = self.now() + float(self.faults.get("search_lag_seconds") or 0.0)
        history = [(t, snap) for t, snap in self.index.get(issue.id, []) if t > self.now()]
        current = [(t, snap) for t, snap in self.index.get(issue.id, []) if t <= self.now()][-1:]
        self.index[issue.id] = [*current, *history, (visible_at, copy.deepcopy(issue))]

    def searchable(self, reconcile: set[str]) -> list[Issue]:
        now = self.now()
        found = []
        for issue_id, versions in self.index.items():
            if issue_id in reconcile:
                if issue_id in self.issues:
                    found.append(self.issues[issue_id])
                continue
            visible = [snap for t, snap in versions if t <= now]
            if visible and visible[-1] is not None:
                found.append(visible[-1])
        return found

    def unindex(self, issue_id: str) -> None:
        visible_at = self.now() + float(self.faults.get("search_lag_seconds") or 0.0)
        self.index.setdefault(issue_id, []).append((visible_at, None))

    def note_write(self, issue: Issue) -> None:
        if not self.config.get("per_issue_write_limits", True):
            return
        now = self.now()
        window = self.writes[issue.id]
        while window and window[0] < now - 30.0:
            window.popleft()
        for limit, seconds in PER_ISSUE_WINDOWS:
            recent = [t for t in window if t > now - seconds]
            if len(recent) >= limit:
                retry = max(1, int(recent[0] + seconds - now + 0.999))
                raise JiraError(
                    429,
                    ["Too many writes to this issue."],
                    {},
                    rate_headers(limit, retry, "jira-per-issue-on-write", now),
                )
        window.append(now)


def rate_headers(limit: int, retry_after: int, reason: str, now: float) -> dict[str, str]:
    reset = datetime.fromtimestamp(now + retry_after, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "Retry-After": str(retry_after),
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": reset,
        "RateLimit-Reason": reason,
    }
