"""Prometheus metrics of the web side, and GET /metrics.

Besides the counters the service keeps as it works, a scrape reports what an operator alerts on,
read from the database (runtime/status.py) at most once per `ttl` seconds however many scrape: subjects
behind and for how long, parked effects, the queue, refused OAuth grants, packets waiting for an admin,
how far a change of the recipes has rolled out.
Every series carries connection, queue or status names only, never a candidate's data.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator, Sequence

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from psycopg_pool import AsyncConnectionPool
from starlette.requests import Request
from starlette.responses import Response

from hirebridge.config.models import Config
from hirebridge.runtime.justworks_status import hires_awaited
from hirebridge.runtime.rollout import fingerprints
from hirebridge.runtime.status import Health, Progress, Waiting, gauge_readings

log = structlog.get_logger(__name__)

WEBHOOKS = Counter(
    "hirebridge_webhooks_total", "Webhooks received, by source and outcome.", ["source", "outcome"]
)
INVITES = Gauge(
    "hirebridge_justworks_hires_awaited",
    "New hires awaited in Justworks, by connection and state (held, awaiting_review, reviewed), and "
    "those of them whose invite is overdue or whose member is to be confirmed (overdue, flagged).",
    ["connection", "state"],
)


async def _justworks_gauges(request: Request) -> None:
    config = request.app.state.config
    if not config.justworks:
        return
    overdue = {name: c.invite_overdue_hours for name, c in config.justworks.items()}
    for name, counts in (await hires_awaited(request.app.state.pool, overdue)).items():
        for state, value in counts.items():
            INVITES.labels(name, state).set(value)


QUEUES = ("reconcile", "upkeep")
QUEUE_STATES = ("waiting", "scheduled", "running")
PACKET_STATES = ("held", "awaiting_review")

# name, help; the label each is keyed by follows from the reading it comes from (see `_families`).
GAUGES = {
    "hirebridge_database_up": "1 when the last read of the database for these gauges succeeded, else 0.",
    "hirebridge_subjects_behind": "Lever subjects (opportunities, requisitions) with a change not synced.",
    "hirebridge_oldest_unsynced_change_age_seconds": (
        "Seconds the longest-behind subject has had a change not yet synced (0 when none is behind)."
    ),
    "hirebridge_subjects_errored": "Subjects whose last reconcile failed (it is retried).",
    "hirebridge_effects_parked": (
        "External writes parked after a permanent refusal, waiting for `hirebridge replay`."
    ),
    "hirebridge_oldest_parked_effect_age_seconds": "Seconds since the oldest parked effect was parked.",
    "hirebridge_queue_jobs": "Jobs not finished, by queue and state (waiting, scheduled, running).",
    "hirebridge_oauth_grant_refused": (
        "1 when the OAuth grant was refused (connect again), else 0; Justworks grants as justworks:NAME."
    ),
    "hirebridge_packets_waiting": "Justworks new-hire packets waiting for an admin, by status.",
    "hirebridge_oldest_waiting_packet_age_seconds": "Seconds the oldest packet of the status has waited.",
    "hirebridge_health_read_timestamp_seconds": "When the database was last read for these gauges.",
    "hirebridge_rollout_subjects": (
        "Subjects by whether their last reconcile ran under the deployed recipes (current) or a change "
        "of the recipes has still to reach them (pending)."
    ),
}


class DatabaseGauges(Collector):
    """The database's readings as gauges; `refresh` reads them again once they are `ttl` seconds old."""

    def __init__(self, ttl: float = 10.0) -> None:
        self.ttl = ttl
        self.connections: Sequence[str] = ()  # Lever connections in the config: their zeros are reported
        self.oauth: Sequence[str] = ()  # the ones that authenticate by OAuth
        self.health: Health | None = None
        self.fingerprints: dict[tuple[str, str], str] = {}  # the deployed recipes, for the rollout
        self.rollout: list[Progress] = []
        self.up = True
        self._read_at = -float("inf")
        self._lock = asyncio.Lock()

    def watch(self, config: Config) -> None:
        """Report zeros for every Lever connection of the config, not only those with something to say."""
        self.connections = list(config.lever)
        self.oauth = [name for name, lever in config.lever.items() if lever.oauth is not None]
        self.fingerprints = fingerprints(config)
        self._read_at = -float("inf")

    async def refresh(self, pool: AsyncConnectionPool) -> None:
        async with self._lock:
            if time.monotonic() - self._read_at < self.ttl:
                return
            try:
                (self.health, self.rollout), self.up = await gauge_readings(pool, self.fingerprints), True
            except Exception as exc:  # the database is down: say so, report no stale readings
                log.warning("metrics_database_read_failed", error=type(exc).__name__)
                self.health, self.rollout, self.up = None, [], False
            self._read_at = time.monotonic()

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(name, text) for name, text in GAUGES.items()]

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("hirebridge_database_up", GAUGES["hirebridge_database_up"])
        up.add_metric([], 1.0 if self.up else 0.0)
        yield up
        if self.health is not None:
            yield from _families(self.health, self.connections, self.oauth)
        if self.rollout:
            subjects = _gauge("hirebridge_rollout_subjects", ["connection", "state"])
            for name in sorted({p.connection for p in self.rollout}):
                mine = [p for p in self.rollout if p.connection == name]
                subjects.add_metric([name, "current"], sum(p.current for p in mine))
                subjects.add_metric([name, "pending"], sum(p.pending for p in mine))
            yield subjects


def _gauge(name: str, labels: Sequence[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, GAUGES[name], labels=list(labels))


def _families(h: Health, connections: Sequence[str], oauth: Sequence[str]) -> Iterator[Metric]:
    names = sorted(set(connections) | set(h.behind) | set(h.errored) | set(h.parked))
    behind = _gauge("hirebridge_subjects_behind", ["connection"])
    lag = _gauge("hirebridge_oldest_unsynced_change_age_seconds", ["connection"])
    errored = _gauge("hirebridge_subjects_errored", ["connection"])
    parked = _gauge("hirebridge_effects_parked", ["connection"])
    parked_age = _gauge("hirebridge_oldest_parked_effect_age_seconds", ["connection"])
    for name in names:
        b, p = h.behind.get(name, Waiting()), h.parked.get(name, Waiting())
        behind.add_metric([name], b.count)
        lag.add_metric([name], h.age(b))
        errored.add_metric([name], h.errored.get(name, 0))
        parked.add_metric([name], p.count)
        parked_age.add_metric([name], h.age(p))
    queue = _gauge("hirebridge_queue_jobs", ["queue", "state"])
    for name in sorted(set(QUEUES) | {q for q, _ in h.queue}):
        for state in QUEUE_STATES:
            queue.add_metric([name, state], h.queue.get((name, state), 0))
    refused = _gauge("hirebridge_oauth_grant_refused", ["connection"])
    for name in sorted(set(oauth) | set(h.grants_refused)):
        refused.add_metric([name], 1.0 if h.grants_refused.get(name) else 0.0)
    packets = _gauge("hirebridge_packets_waiting", ["status"])
    packet_age = _gauge("hirebridge_oldest_waiting_packet_age_seconds", ["status"])
    for status in PACKET_STATES:
        waiting = h.packets.get(status, Waiting())
        packets.add_metric([status], waiting.count)
        packet_age.add_metric([status], h.age(waiting))
    read_at = _gauge("hirebridge_health_read_timestamp_seconds", [])
    read_at.add_metric([], h.at.timestamp())
    yield from (behind, lag, errored, parked, parked_age, queue, refused, packets, packet_age, read_at)


DATABASE = DatabaseGauges()
REGISTRY.register(DATABASE)


async def metrics(request: Request) -> Response:
    await DATABASE.refresh(request.app.state.pool)
    if DATABASE.up:
        try:
            await _justworks_gauges(request)
        except Exception as exc:  # the database went away between the two reads
            log.warning("metrics_database_read_failed", error=type(exc).__name__)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
