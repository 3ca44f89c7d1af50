"""What `hirebridge status` reports of the Lever connections, read from the store, with the health
verdict; and what /metrics reads for its gauges.

Only ids, recipe and effect names, counts and reasons are reported. A reason is redacted of contact
data, but may quote a value Jira refused (one the recipe allowed out of Lever to Jira).
"""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.health import Reading, Thresholds, exit_code, problems
from hirebridge.runtime.process import opened_store
from hirebridge.runtime.rollout import rollout_report
from hirebridge.store import cursors, failures, health, rollout
from hirebridge.store.health import Health, Waiting
from hirebridge.store.rollout import Progress

# Health, Progress and Waiting: the readings /metrics turns into gauges.
__all__ = ["Health", "Progress", "Waiting", "gauge_readings", "grant", "status_report"]


async def gauge_readings(
    pool: AsyncConnectionPool, config_fingerprints: dict[tuple[str, str], str]
) -> tuple[Health, list[Progress]]:
    """What /metrics reports: the health readings, and how far the deployed recipes rolled out."""
    now = await health.read(pool)
    return now, (await rollout.progress(pool, config_fingerprints) if config_fingerprints else [])


async def status_report(
    connections: list[str], oauth: set[str], url: str, limit: int, limits: Thresholds, config: Any = None
) -> dict[str, Any]:
    """`hirebridge status`'s report (its `--json`, format 1): per Lever connection, subjects in sync or
    behind, reconcile jobs, sweep, webhooks, OAuth grant, rollout and parked effects; packets waiting;
    and the health verdict over `limits`."""
    async with opened_store(url) as pool:
        counts = await failures.status(pool)
        sweeps = await cursors.all_cursors(pool)
        parked = await failures.parked(pool, limit=limit)
        errored = await failures.errored(pool, limit=limit)
        now = await health.read(pool)
        rollouts = await rollout_report(pool, config) if config is not None else {}
    report: dict[str, Any] = {"format": 1, "connections": {}}
    readings: dict[str, Reading] = {}
    # Rows of other services (`justworks:NAME`) are reported in their own section.
    for name in sorted(set(connections) | {n for n in counts if ":" not in n}):
        found = counts.get(name, {})
        subjects = found.get("subjects", {})
        behind = now.behind.get(name, Waiting())
        readings[name] = Reading(
            behind=behind.count,
            behind_seconds=now.age(behind),
            parked=found.get("parked", 0),
            grant_refused=now.grants_refused.get(name, False),
        )
        report["connections"][name] = {
            "subjects": {k: subjects.get(k, 0) for k in ("known", "in_sync", "behind", "errored")}
            | {"last_synced_at": subjects.get("last_synced_at"), "behind_seconds": round(now.age(behind))},
            "errored_subjects": [
                {"subject": e["subject"], "error": e["error"]} for e in errored if e["connection"] == name
            ],
            "jobs": {
                k: found.get("jobs", {}).get(k, 0)
                for k in ("queued", "running", "retrying", "failed", "sweep", "background")
            },
            "webhooks": found.get(
                "webhooks", {"registered": 0, "last_received_at": None, "not_delivered": []}
            ),
            "auth": "oauth" if name in oauth else "api key",
            **({"oauth": grant(found.get("oauth"))} if name in oauth else {}),
            "sweep": {
                c.stream: {
                    "position": c.position,
                    "last_finished_at": c.last_finished_at,
                    "next_run_at": c.next_run_at,
                    "last_error": c.last_error,
                    **c.last_summary,
                }
                for c in sweeps
                if c.connection == name
            },
            **({"rollout": rollouts[name]} if name in rollouts else {}),
            "parked": found.get("parked", 0),
            "parked_effects": [
                {
                    "effect": p.ref,
                    "subject": f"{p.subject_kind}:{p.subject_id}",
                    "recipe": p.recipe,
                    "key": p.key,
                    "kind": p.kind,
                    "target": p.target,
                    "reason": p.reason,
                    "attempts": p.attempts,
                    "last_try": p.last_try,
                }
                for p in parked
                if p.connection == name
            ],
        }
    report["packets_waiting"] = {
        status: {"count": w.count, "oldest_seconds": round(now.age(w))}
        for status in ("held", "awaiting_review")
        for w in [now.packets.get(status, Waiting())]
    }
    for name, refused in now.grants_refused.items():
        if name.startswith("justworks:"):
            readings[name] = Reading(grant_refused=refused)
    found_problems = problems(readings, limits)
    report["health"] = {
        "ok": not found_problems,
        "exit_code": exit_code(found_problems),
        "problems": [p.as_dict() for p in found_problems],
        "thresholds": {"behind_seconds": limits.behind_seconds, "max_parked": limits.max_parked},
    }
    return report


def grant(stored: dict[str, Any] | None) -> dict[str, Any]:
    """An OAuth connection's grant: `connected`, `refused` (Lever refused the refresh token: connect
    again) or `not connected` (never connected, or disconnected)."""
    if stored is None:
        return {"state": "not connected"}
    return {"state": "refused" if stored["refused"] else "connected", **stored}
