"""The console's pages that gather several reads: the overview, the packets and the recipes."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hirebridge.runtime.console_models import (
    ConnectionHealth,
    Overview,
    PacketRow,
    Page,
    RecipesView,
    RecipeTable,
    SeriesPoint,
)
from hirebridge.store import console_reads, cursors, failures, health
from hirebridge.store import packets as packet_store

if TYPE_CHECKING:
    from hirebridge.runtime.console import Console

AUTH_REFUSED = ("401", "403", "unauthori", "forbidden", "invalid_grant", "refused")


async def packets(
    console: Console, status: str | None, *, page: int, per_page: int, viewer: bool
) -> Page[PacketRow]:
    from hirebridge.domain.subjects import Subject

    page, per_page = max(1, page), max(1, min(per_page, 200))
    rows = await console_reads.packets(console.pool, status, limit=per_page + 1, offset=(page - 1) * per_page)
    items = [
        PacketRow(
            id=r["id"],
            subject=Subject(r["lever_connection"], r["subject_kind"], r["subject_id"]),
            recipe=r["recipe"],
            key=r["key"],
            justworks=r["justworks_connection"],
            status=r["status"],
            # A held packet's reasons name the field and may quote its value: operators only.
            problems=[] if viewer else [str(p.get("message", p)) for p in (r["problems"] or [])],
            decided_by=r["decided_by"],
            updated_at=r["updated_at"],
        )
        for r in rows[:per_page]
    ]
    return Page(items, page, per_page, len(rows) > per_page)


async def review_link(console: Console, packet_id: str, actor: str) -> str | None:
    """A link of the actor's own, beside (not instead of) the one emailed to that admin."""
    if await console_reads.packet(console.pool, packet_id) is None:
        return None
    token = secrets.token_urlsafe(32)
    await packet_store.add_link(console.pool, packet_id, f"{actor} (console)", token)
    await console.record(actor, "packet-review-opened", {"packet": packet_id})
    return f"/review/packets/{token}"


async def recipes(console: Console) -> RecipesView:
    from hirebridge.runtime import plan_runs
    from hirebridge.runtime.ledger_changes import ledger_changes
    from hirebridge.runtime.rollout import rollout_report

    config = console.service.config
    tables = []
    for recipe in config.recipes:
        when = {
            name: ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            for name, value in recipe.when.model_dump(exclude_none=True).items()
        }
        actions = [
            {"id": a.id, "kind": a.kind, "target": str(getattr(a.body, "connection", "") or "")}
            for a in recipe.actions
        ]
        tables.append(
            RecipeTable(recipe.name, recipe.lever, recipe.subject, when, actions, list(recipe.allow))
        )
    changes = await ledger_changes(console.pool, config)
    return RecipesView(
        recipes=tables,
        rollout=await rollout_report(console.pool, config),
        renames=[r.declaration for r in changes.renames],
        plan_run=await plan_runs.latest(console.pool),
    )


async def overview(console: Console, *, hours: int, bucket_minutes: int) -> Overview:
    pool, config = console.pool, console.service.config
    now = await health.read(pool)
    counts = await failures.status(pool)
    sweeps = await cursors.all_cursors(pool)
    since = datetime.now(UTC) - timedelta(hours=hours)
    series = await console_reads.series(pool, since, bucket_minutes * 60)
    budgets = {r["name"]: r for r in await console_reads.budgets(pool)}
    connections: list[ConnectionHealth] = []
    subjects: dict[str, dict[str, Any]] = {}
    budget_used: dict[str, float] = {}
    for name, lever in config.lever.items():
        found = counts.get(name, {})
        webhooks = found.get("webhooks", {})
        errors = [c.last_error for c in sweeps if c.connection == name and c.last_error]
        seen = [c.last_finished_at for c in sweeps if c.connection == name and c.last_finished_at]
        refused = now.grants_refused.get(name, False)
        error = failures.redact(errors[0]) if errors else None
        connections.append(
            ConnectionHealth(
                name=name,
                kind="lever",
                reachable=None if not seen and not errors else not errors,
                authenticated=False if refused or _auth_error(error) else (True if seen else None),
                auth="oauth" if lever.oauth is not None else "api key",
                oauth=_grant(found.get("oauth")) if lever.oauth is not None else None,
                webhooks_registered=int(webhooks.get("registered", 0)),
                webhooks_waiting=list(webhooks.get("not_delivered", [])),
                last_seen=max(seen) if seen else None,
                last_error=error,
            )
        )
        counted = found.get("subjects", {})
        behind = now.behind.get(name)
        subjects[name] = {k: counted.get(k, 0) for k in ("known", "in_sync", "behind", "errored")} | {
            "behind_seconds": round(now.age(behind)) if behind else 0,
            "last_synced_at": counted.get("last_synced_at"),
        }
        row = budgets.get(f"lever:{name}")
        if row is not None:
            waiting = max(0.0, float(row["busy_until"]) - float(row["now"])) * lever.requests_per_second
            budget_used[name] = round(min(1.0, waiting / lever.burst), 3) if lever.burst else 0.0
    for row in await console_reads.jira_health(pool, list(config.jira)):
        error = failures.redact(row["last_error"]) if row["last_error"] else None
        connections.append(
            ConnectionHealth(
                name=row["name"],
                kind="jira",
                reachable=None,  # a parked effect is a refusal: Jira answered
                authenticated=False if _auth_error(error) else None,
                auth="api token",
                oauth=None,
                webhooks_registered=int(row["webhooks"]),
                last_error=error,
            )
        )
    for name in config.justworks:
        refused = now.grants_refused.get(f"justworks:{name}", False)
        grant = _grant(counts.get(f"justworks:{name}", {}).get("oauth"))
        connections.append(
            ConnectionHealth(name, "justworks", None, False if refused else None, "oauth", grant)
        )
    return Overview(
        at=now.at,
        connections=connections,
        subjects=subjects,
        parked={name: w.count for name, w in now.parked.items()},
        budget_used=budget_used,
        throughput={
            key: [SeriesPoint(r["bucket"], float(r[key])) for r in series["throughput"]]
            for key in ("reconciled", "covered")
        },
        lag={
            key: [SeriesPoint(r["bucket"], float(r[key] or 0)) for r in series["lag"]]
            for key in ("p50_seconds", "max_seconds")
        },
        packets_waiting={status: w.count for status, w in now.packets.items()},
    )


def _auth_error(error: str | None) -> bool:
    return bool(error) and any(word in error.casefold() for word in AUTH_REFUSED)


def _grant(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if not row:
        return None
    return {k: row.get(k) for k in ("connected_at", "expires_at", "refreshed_at", "refreshes")} | {
        "refused": bool(row.get("refused"))
    }
