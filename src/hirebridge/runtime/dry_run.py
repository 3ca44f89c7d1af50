"""`hirebridge plan`: what a reconcile would write, computed by the same code, writing nothing.

The subject is read from Lever and the ledger from the database exactly as a reconcile reads them;
the reconcile's own loop (runtime/reconcile.py) runs against a copy of the ledger
(domain/simulate.py) instead of the executor. The database session is read-only, so not even a
parked template error is recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.changes import Moved
from hirebridge.config.models import Config
from hirebridge.domain.changes import apply_moves
from hirebridge.domain.effects import EffectRecord
from hirebridge.domain.plan import Action
from hirebridge.domain.simulate import DryLedger, PlannedWrite
from hirebridge.domain.snapshot import OpportunitySnapshot
from hirebridge.domain.subjects import Subject
from hirebridge.runtime.budget import spending
from hirebridge.runtime.ledger_changes import LedgerChanges, ledger_changes
from hirebridge.runtime.reconcile import Effects
from hirebridge.runtime.service import Service
from hirebridge.store import ledger, lifecycle
from hirebridge.store.database import open_pool
from hirebridge.store.sql import QUERIES

PARALLEL_SUBJECTS = 4  # Lever allows 10 requests/s; each subject costs a few


@dataclass
class SubjectPlan:
    subject: Subject
    found: bool = True
    stage: str | None = None
    writes: list[PlannedWrite] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # "recipe/action" → why it cannot render
    next_due: datetime | None = None
    erased: bool = False  # erased (deleted in Lever or forgotten): nothing is ever written again
    orphans: list[str] = field(default_factory=list)  # "recipe/key ISSUE-1" of removed actions
    moved: int = 0  # effects a declared rename moves before planning
    unmet: dict[str, list[str]] = field(default_factory=dict)  # recipe → what of its `when` did not hold

    def as_dict(self) -> dict[str, Any]:
        return {
            "connection": self.subject.connection,
            "kind": self.subject.kind,
            "id": self.subject.id,
            "found": self.found,
            "stage": self.stage,
            "writes": [w.as_dict() for w in self.writes],
            "problems": self.problems,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "erased": self.erased,
            "orphans": self.orphans,
            "moved": self.moved,
        }


def read_only_pool(url: str) -> AsyncConnectionPool:
    """A pool whose sessions refuse writes: the guarantee that planning changes nothing."""
    return AsyncConnectionPool(
        url,
        min_size=1,
        max_size=PARALLEL_SUBJECTS,
        open=False,
        kwargs={"autocommit": True, "options": "-c default_transaction_read_only=on"},
    )


async def _effects(pool: AsyncConnectionPool, subject: Subject) -> Effects:
    try:
        return await ledger.effects_of(pool, subject)
    except psycopg.errors.UndefinedTable:
        return {}  # a database hirebridge never ran on: nothing was done yet


async def _erased(pool: AsyncConnectionPool, subject: Subject) -> bool:
    try:
        return await lifecycle.erasure_of(pool, subject) is not None
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn):
        return False  # a database hirebridge never ran on (or not migrated yet): nothing erased


class DryPort:
    """The loop's port for a plan: a copy of the ledger each planned write is recorded in
    (domain/simulate.py); a template error is reported instead of parked."""

    def __init__(self, effects: Effects, *, browse_urls: Mapping[str, str]) -> None:
        self.ledger = DryLedger(effects, browse_urls=browse_urls)
        self.writes: list[PlannedWrite] = []
        self.problems: dict[str, str] = {}

    async def effects(self) -> Effects:
        return self.ledger.effects

    async def move(self, moves: Sequence[Moved]) -> int:
        self.ledger.effects, moved = apply_moves(self.ledger.effects, moves)
        return moved

    async def park(self, recipe: str, key: str, problem: str) -> None:
        self.problems[f"{recipe}/{key}"] = problem

    async def apply(self, actions: Sequence[Action], rows: Mapping[str, EffectRecord]) -> None:
        self.writes += self.ledger.apply(actions)


async def plan_subject(
    service: Service,
    subject: Subject,
    *,
    now: datetime | None = None,
    listed: Mapping[str, Any] | None = None,
) -> SubjectPlan:
    """`listed`: the opportunity as a list page returned it (`plan --all`), not read again."""
    result = SubjectPlan(subject)
    if await _erased(service.pool, subject):
        result.erased = True
        return result
    browse_urls = {name: client.base_url for name, client in service.jira.items()}
    port = DryPort(await _effects(service.pool, subject), browse_urls=browse_urls)
    # The reconcile's own loop, so the plan sees exactly the snapshot and the rounds an apply would.
    outcome = await service.reconciler.run(subject, port, listed=listed, now=now)
    if outcome.observed is None:
        result.found = False
        return result
    if isinstance(outcome.observed.snapshot, OpportunitySnapshot):
        result.stage = outcome.observed.snapshot.stage.name
    result.moved, result.writes, result.problems = outcome.moved, port.writes, port.problems
    result.next_due, result.unmet = outcome.next_due, outcome.unmet
    result.orphans = [f"{r.recipe}/{r.key} {r.external_key or ''}".rstrip() for r in outcome.orphans]
    return result


async def _ledger_subjects(pool: AsyncConnectionPool) -> list[Subject]:
    try:
        async with pool.connection() as conn:
            rows = await (await conn.execute(QUERIES["list_effect_subjects"])).fetchall()
    except psycopg.errors.UndefinedTable:
        return []
    return [Subject(str(c), str(k), str(i)) for c, k, i in rows]


def _opportunity_filters(service: Service, connection: str, stages: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Lever list filters covering every opportunity some recipe could apply to; [None] = all."""
    ids = [str(s["id"]) for s in stages]
    names = [str(s["text"]) for s in stages]
    filters: list[Any] = []
    for compiled in service.lever[connection].recipes:
        when = compiled.recipe.when
        if compiled.recipe.subject != "opportunity":
            continue
        wanted = set(ids)
        if when.stage_reached in names:
            wanted &= set(ids[names.index(when.stage_reached) :])
        if when.in_stage is not None:
            folded = {n.casefold() for n in when.in_stage}
            wanted &= {i for i, n in zip(ids, names, strict=True) if n.casefold() in folded}
        if wanted == set(ids):
            return [None]  # no stage condition: any opportunity may qualify
        filters.append([("stage_id", i) for i in sorted(wanted)])
    return filters


async def all_subjects(
    service: Service, connections: Sequence[str]
) -> dict[Subject, Mapping[str, Any] | None]:
    """Opportunities and requisitions the recipes could apply to, and those with effects to close;
    each opportunity listed with the page's copy of it (100 a call instead of one each)."""
    found: dict[Subject, Mapping[str, Any] | None] = {}
    for name in connections:
        side = service.lever[name]
        if any(r.recipe.subject == "requisition" for r in side.recipes):
            for requisition in await side.client.requisitions():
                found[Subject(name, "requisition", str(requisition["id"]))] = None
        for params in _opportunity_filters(service, name, await side.reference.stages.get()):
            if params == []:
                continue
            async for opportunity in side.client.opportunities([*(params or []), ("expand", "applications")]):
                found[Subject(name, "opportunity", str(opportunity["id"]))] = opportunity
    for subject in await _ledger_subjects(service.pool):
        if subject.connection in connections:
            found.setdefault(subject, None)
    return found


async def plan_many(
    service: Service,
    subjects: Sequence[Subject],
    listed: Mapping[Subject, Mapping[str, Any] | None] | None = None,
) -> list[SubjectPlan]:
    gate = asyncio.Semaphore(PARALLEL_SUBJECTS)

    async def one(subject: Subject) -> SubjectPlan:
        async with gate:
            return await plan_subject(service, subject, listed=(listed or {}).get(subject))

    return list(await asyncio.gather(*(one(s) for s in subjects)))


async def plan_all(
    service: Service, connections: Sequence[str], *, changes: LedgerChanges | None = None
) -> list[SubjectPlan]:
    """Every subject of `connections` the recipes could apply to, or that has effects to close;
    `changes` receives the ledger's removed actions and likely renames."""
    if changes is not None:
        found = await ledger_changes(service.pool, service.config)
        changes.removed, changes.renames = found.removed, found.renames
    listed = await all_subjects(service, connections)
    return await plan_many(service, list(listed), listed)


async def run_plan(
    config: Config,
    database_url: str,
    *,
    lever: str,
    opportunity: str | None = None,
    requisition: str | None = None,
    everything: bool = False,
    changes: LedgerChanges | None = None,
) -> list[SubjectPlan]:
    """`changes`, given with `everything`, receives the ledger's removed actions and likely renames."""
    # Lever requests still take from the account's shared budget, in a pool that may write it.
    async with read_only_pool(database_url) as pool, open_pool(database_url, max_size=2) as budget_pool:
        service = Service.build(config, pool, budget_pool=budget_pool)
        try:
            if everything:
                with spending("sweep"):
                    return await plan_all(service, [lever], changes=changes)
            if opportunity is not None:
                subjects = [Subject(lever, "opportunity", opportunity)]
            else:
                assert requisition is not None
                subjects = [Subject(lever, "requisition", requisition)]
            return await plan_many(service, subjects)
        finally:
            await service.aclose()
