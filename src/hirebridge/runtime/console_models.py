"""What the console shows: plain read models, built by runtime/console.py, rendered by the web layer.

Nothing here holds candidate data the viewer may not see: the facade filters before it builds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from hirebridge.domain.subjects import Subject
from hirebridge.runtime.dry_run import SubjectPlan as DryPlan

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list paged in the database; `has_next` from one row read past the page."""

    items: list[T]
    page: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class SubjectRow:
    subject: Subject
    matched_by: str  # "id" or "name"
    display_name: str | None  # read from Lever for the first rows of a page; None when not read or not shown
    stage: str | None  # the stage the last reconcile saw (its name when known, else Lever's id)
    last_synced_at: datetime | None
    behind_since: datetime | None
    error: str | None  # the last reconcile's error, redacted
    parked: int
    erased: bool


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # webhook | jira_event | reconcile | effect | action (any other timeline row)
    title: str  # the webhook's event, the row's action, "<recipe>/<key>" of an effect
    detail: dict[str, Any] = field(default_factory=dict)
    state: str | None = None  # an effect's: pending, done, failed
    links: tuple[Link, ...] = ()
    actor: str | None = None  # the console account behind it, if any


@dataclass(frozen=True)
class RecipeVerdict:
    """Whether a recipe applied and, if not, which parts of its `when` did not hold."""

    recipe: str
    applies: bool | None  # None: no reconcile has evaluated it for this subject yet
    unmet: tuple[str, ...] = ()  # e.g. ("stage_reached: Offer",)
    at: datetime | None = None  # when it was evaluated (the reconcile's read); None for a plan


@dataclass(frozen=True)
class Timeline:
    subject: Subject
    known: bool  # hirebridge holds anything for it
    display_name: str | None
    stage: str | None
    erased: bool
    entries: list[TimelineEntry]  # oldest first
    verdicts: list[RecipeVerdict]  # as the last reconcile that read the subject evaluated them


@dataclass(frozen=True)
class SubjectPlan:
    """What a reconcile would do now (the dry run), with each recipe's verdict on what it just read."""

    subject: Subject
    plan: DryPlan
    verdicts: list[RecipeVerdict]


@dataclass(frozen=True)
class FailureRow:
    effect: str  # what `Console.retry` takes
    subject: Subject
    recipe: str
    key: str
    kind: str
    target: str
    reason: str  # redacted as in logs
    cause: str  # what `Console.retry_cause` and `failures(cause=…)` take
    attempts: int
    last_try: datetime


@dataclass(frozen=True)
class Cause:
    cause: str
    kind: str
    target: str
    text: str  # the reason with its variable parts elided
    count: int


@dataclass(frozen=True)
class PacketRow:
    id: str
    subject: Subject
    recipe: str
    key: str
    justworks: str
    status: str  # held, awaiting_review, sending, sent, declined, withdrawn
    problems: list[str]  # why it is held (viewer: empty)
    decided_by: str | None
    updated_at: datetime  # its review page: `Console.review_link(id, actor)`


@dataclass(frozen=True)
class ConnectionHealth:
    name: str
    kind: str  # lever, jira, justworks
    reachable: bool | None  # from what the service last saw; None when it has seen nothing yet
    authenticated: bool | None
    auth: str  # oauth, api key, basic
    oauth: dict[str, Any] | None  # the grant's dates and counters, never a token
    webhooks_registered: int = 0
    webhooks_waiting: list[str] = field(default_factory=list)  # events with no delivery seen yet
    last_seen: datetime | None = None
    last_error: str | None = None  # redacted


@dataclass(frozen=True)
class SeriesPoint:
    at: datetime
    value: float


@dataclass(frozen=True)
class Overview:
    at: datetime
    connections: list[ConnectionHealth]
    subjects: dict[
        str, dict[str, Any]
    ]  # per Lever connection: known, in_sync, behind, errored, behind_seconds
    parked: dict[str, int]
    budget_used: dict[str, float]  # per Lever connection: share of the burst in use now, 0..1
    throughput: dict[str, list[SeriesPoint]]  # reconciled, covered: per bucket
    lag: dict[str, list[SeriesPoint]]  # p50_seconds, max_seconds: per bucket
    packets_waiting: dict[str, int]


@dataclass(frozen=True)
class RecipeTable:
    name: str
    lever: str
    subject: str
    when: dict[str, str]  # predicate → what it asks
    actions: list[dict[str, str]]  # id, kind, target
    allow: list[str]


@dataclass(frozen=True)
class RecipesView:
    recipes: list[RecipeTable]
    rollout: dict[str, dict[str, Any]]  # per Lever connection: progress, removed actions, policy
    renames: list[str]  # likely renames the ledger shows (declare them under `moved`)
    plan_run: dict[str, Any] | None = None  # the latest plan of every subject (runtime/plan_runs.py)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str | None
    action: str
    subject: Subject | None
    detail: dict[str, Any]
