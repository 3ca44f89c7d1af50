"""A year of a 300-person company's hiring in hirebridge's database, with retention on and off: the
database's size at the end, and what the retention job costs each day and when first turned on.

The year: 40,000 candidates (about 110 a day), ten Lever webhooks each (400,000 in the year) and a
reconcile's timeline row per webhook; one in five candidates interviews (three sub-tasks, two Jira
feedback events each), one in ten gets a take-home review, a hundred are hired (an onboarding epic
with five issues, a Lever note, an IT request and a Justworks packet emailed to two admins), and
most of the others are archived with a Lever note.

Driving the service for a simulated year would take days, so the rows are written straight into
the database, day by day, through the store's own named queries (`insert_inbox_events`,
`hint_subjects`, `finish_subject`, `record_intent`/`record_done`, `upsert_packet`,
`insert_packet_link`, `record_packet_email`, `insert_jira_event`), then dated to their simulated day
(the only statements of the benchmark's own). After each day, the retention job runs as the
service runs it (`store.lifecycle.apply_retention`, default windows) with that day as `now`; a plain
VACUUM a simulated week stands in for autovacuum, which in real time keeps up with a day's deletes.
The same year without retention is the reference, and the retention job's first run over it is the
cost of turning retention on after a year.

`python -m bench.retention_year` (about ten minutes on two cores; `--days 30` for a quick look).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from bench.stats import latency_summary
from hirebridge.config.lifecycle import Retention
from hirebridge.runtime.retention import windows
from hirebridge.store import lifecycle
from hirebridge.store.database import embedded_server_uri, ensure_database, open_pool, with_database
from hirebridge.store.migrate import migrate
from hirebridge.store.sql import QUERIES

RESULTS = Path(__file__).parent / "results" / "retention_year.json"
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
TABLES = ("inbox", "audit", "effects", "subjects", "packets", "packet_links", "packet_emails", "jira_events")
DATED = {
    "inbox": "received_at",
    "audit": "at",
    "jira_events": "received_at",
    "packets": "updated_at",
    "packet_emails": "sent_at",
}


@dataclass(frozen=True)
class Company:
    candidates_per_year: int = 40_000
    webhooks_per_candidate: int = 10
    hires_per_year: int = 100
    interview_share: float = 0.2
    assessment_share: float = 0.1
    archived_share: float = 0.8


def _webhook(opportunity: str, at_ms: int, rng: random.Random) -> dict[str, Any]:
    """A Lever webhook as stored: ids only (about 350 bytes, as Lever sends them)."""
    return {
        "event": "candidateStageChange",
        "triggeredAt": at_ms,
        "token": uuid.UUID(int=rng.getrandbits(128)).hex + uuid.UUID(int=rng.getrandbits(128)).hex[:16],
        "signature": uuid.UUID(int=rng.getrandbits(128)).hex * 2,
        "data": {
            "opportunityId": opportunity,
            "candidateId": opportunity,
            "contactId": str(uuid.UUID(int=rng.getrandbits(128))),
            "fromStageId": str(uuid.UUID(int=rng.getrandbits(128))),
            "toStageId": str(uuid.UUID(int=rng.getrandbits(128))),
        },
    }


def _effects(
    opportunity: str, hired: bool, interviews: bool, assessment: bool, archived: bool
) -> list[tuple[str, str, str]]:
    """(recipe, key, kind) of what the demo recipes write for such a candidate."""
    out: list[tuple[str, str, str]] = []
    if interviews:
        out += [("interviews", f"interview-{i}", "jira_issue") for i in range(3)]
    if assessment:
        out += [("assessment", "review", "jira_issue"), ("assessment", "reminder", "jira_comment")]
    if hired:
        out += [
            ("onboarding", key, "jira_issue")
            for key in ("epic", "laptop", "accounts", "buddy", "payroll", "desk")
        ]
        out += [("onboarding", "note", "lever_note"), ("provisioning", "request", "jsm_request")]
    elif archived:
        out.append(("archived", "note", "lever_note"))
    return out


def _intent(base: dict[str, Any], kind: str, marker: str) -> dict[str, Any]:
    target = "lever:main" if kind == "lever_note" else "jira:main"
    return base | {
        "effect_kind": kind,
        "target": target,
        "marker": marker,
        "status": None,
        "content_hash": None,
    }


def _done(base: dict[str, Any], marker: str, rng: random.Random) -> dict[str, Any]:
    key = f"ONB-{rng.randrange(10**6)}"
    return base | {
        "external_id": str(rng.randrange(10**6)),
        "external_key": key,
        "external_url": f"https://example.atlassian.net/browse/{key}",
        "status": "To Do",
        "content_hash": marker[3:19],
    }


def _jira_event(opportunity: str, identifier: str) -> dict[str, Any]:
    return {
        "connection": "main",
        "identifier": identifier,
        "event": "comment_created",
        "issue_id": "1",
        "issue_key": "ONB-1",
        "comment_id": identifier,
        "lever_connection": "main",
        "subject_kind": "opportunity",
        "subject_id": opportunity,
    }


def _packet(packet_id: str, opportunity: str) -> dict[str, Any]:
    fields = {
        "first_name": "Ada",
        "last_name": "Lindqvist",
        "home_email": "ada.lindqvist@example.net",
        "title": "Engineer",
        "compensation_amount": "150000",
        "start_date": "2026-09-01",
    }
    return {
        "packet_id": packet_id,
        "connection": "main",
        "kind": "opportunity",
        "id": opportunity,
        "recipe": "justworks",
        "key": "packet",
        "justworks": "main",
        "status": "sent",
        "source": Jsonb(fields),
        "problems": Jsonb([]),
        "invite": True,
    }


async def _last_ids(pool: AsyncConnectionPool) -> dict[str, int]:
    async with pool.connection() as conn:
        found = {}
        for table in ("inbox", "audit", "jira_events"):
            row = await (await conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}")).fetchone()  # type: ignore[arg-type]
            found[table] = int(row[0]) if row else 0
    return found


async def _write_day(pool: AsyncConnectionPool, day: int, company: Company, rng: random.Random) -> None:
    """One day's rows, through the store's queries; then dated to the simulated day."""
    now = YEAR_START + timedelta(days=day)
    per_day = company.candidates_per_year // 365
    before = await _last_ids(pool)
    new = [f"opp-{day}-{n}" for n in range(per_day)]
    # Webhooks land on this day's candidates and on those of the last few weeks.
    recent = [
        f"opp-{max(0, day - rng.randrange(0, 30))}-{rng.randrange(per_day)}" for _ in range(per_day * 9)
    ]
    touched = new + recent
    at_ms = int(now.timestamp() * 1000)
    events = [
        {
            "source": "lever",
            "connection": "main",
            "dedupe_key": f"{day}-{i}",
            "event": "candidateStageChange",
            "subject_kind": "opportunity",
            "subject_id": opportunity,
            "payload": _webhook(opportunity, at_ms + i, rng),
        }
        for i, opportunity in enumerate(touched)
    ]
    hires = {n for n in new if rng.random() < company.hires_per_year / company.candidates_per_year}
    async with pool.connection() as conn:
        async with conn.transaction():
            await conn.execute(QUERIES["insert_inbox_events"], {"events": Jsonb(events)})
            counts: dict[str, int] = {}
            for opportunity in touched:
                counts[opportunity] = counts.get(opportunity, 0) + 1
            hints = [
                {"connection": "main", "kind": "opportunity", "id": o, "hints": n} for o, n in counts.items()
            ]
            await conn.execute(QUERIES["hint_subjects"], {"hints": Jsonb(hints)})
        detail = {"started_at": now.isoformat(), "finished_at": now.isoformat(), "pid": 4242,
                  "version": 1, "actions": 1, "stage": "onsite", "archived": None}  # fmt: skip
        async with conn.transaction(), conn.cursor() as cur:
            finished = [
                {
                    "connection": "main", "kind": "opportunity", "id": o, "version": 1, "due": None,
                    "seen_updated_at": at_ms, "seen_stage": "onsite", "seen_recipes": "0123456789abcdef",
                    "action": "reconciled",
                    "detail": Jsonb(detail),
                }
                for o in touched
            ]  # fmt: skip
            await cur.executemany(QUERIES["finish_subject"], finished)
            intents, done, jira = [], [], []
            for opportunity in new:
                made = _effects(
                    opportunity,
                    hired=opportunity in hires,
                    interviews=rng.random() < company.interview_share,
                    assessment=rng.random() < company.assessment_share,
                    archived=rng.random() < company.archived_share,
                )
                for recipe, key, kind in made:
                    marker = "hb-" + uuid.UUID(int=rng.getrandbits(128)).hex[:20]
                    base = {
                        "connection": "main",
                        "kind": "opportunity",
                        "id": opportunity,
                        "recipe": recipe,
                        "key": key,
                    }
                    intents.append(_intent(base, kind, marker))
                    done.append(_done(base, marker, rng))
                    if recipe == "interviews":
                        jira += [_jira_event(opportunity, f"{marker}-{n}") for n in range(2)]
            await cur.executemany(QUERIES["record_intent"], intents)
            await cur.executemany(QUERIES["record_done"], done)
            await cur.executemany(QUERIES["insert_jira_event"], jira)
            for opportunity in sorted(hires):
                packet_id = uuid.uuid4().hex
                await cur.execute(QUERIES["upsert_packet"], _packet(packet_id, opportunity))
                for admin in ("paula@example.com", "rita@example.com"):
                    await cur.execute(
                        QUERIES["insert_packet_link"],
                        {"packet_id": packet_id, "admin_email": admin, "token_hash": uuid.uuid4().hex * 2},
                    )
                    await cur.execute(
                        QUERIES["record_packet_email"],
                        {"packet_id": packet_id, "generation": 1, "kind": "hired", "recipient": admin},
                    )
        # The benchmark's own statements: the day's rows get the simulated day's date.
        async with conn.transaction():
            for table, column in DATED.items():
                if table in before:
                    where = f"id > {before[table]}"
                elif table == "packets":
                    where = "updated_at > now() - interval '1 hour'"
                else:
                    where = "sent_at > now() - interval '1 hour'"
                await conn.execute(f"UPDATE {table} SET {column} = %(at)s WHERE {where}", {"at": now})  # type: ignore[arg-type]


async def _sizes(pool: AsyncConnectionPool) -> dict[str, Any]:
    async with pool.connection() as conn:
        tables = {}
        for table in TABLES:
            size, rows = await (
                await conn.execute(
                    f"SELECT pg_total_relation_size('{table}'), (SELECT count(*) FROM {table})"
                )  # type: ignore[arg-type]
            ).fetchone() or (0, 0)
            tables[table] = {"mb": round(size / 2**20, 1), "rows": rows}
        row = await (await conn.execute("SELECT pg_database_size(current_database())")).fetchone()
    return {"database_mb": round((row[0] if row else 0) / 2**20, 1), "tables": tables}


async def _vacuum(url: str) -> None:
    from psycopg import AsyncConnection

    async with await AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("VACUUM (ANALYZE) inbox, audit, jira_events, packets, packet_links, packet_emails")


async def simulate(url: str, days: int, *, retention: bool, company: Company) -> dict[str, Any]:
    rng = random.Random(2026)
    rules = windows(Retention())
    runs: list[float] = []
    removed: dict[str, int] = {}
    began = time.perf_counter()
    async with open_pool(url, max_size=4) as pool:
        await migrate(pool)
        for day in range(days):
            await _write_day(pool, day, company, rng)
            if retention:
                t0 = time.perf_counter()
                done = await lifecycle.apply_retention(pool, rules, YEAR_START + timedelta(days=day + 1))
                runs.append(time.perf_counter() - t0)
                for key, count in done.items():
                    removed[key] = removed.get(key, 0) + count
            if day % 7 == 6:
                await _vacuum(url)
        await _vacuum(url)
        found: dict[str, Any] = {
            "retention": retention,
            "days": days,
            "write_seconds": round(time.perf_counter() - began, 1),
        }
        found |= await _sizes(pool)
        if retention:
            found["daily_run"] = latency_summary(runs) | {"removed_in_year": removed}
        else:
            # Turned on after the year: its first run over everything past its windows.
            t0 = time.perf_counter()
            done = await lifecycle.apply_retention(pool, rules, YEAR_START + timedelta(days=days))
            found["first_run_after_a_year"] = {"seconds": round(time.perf_counter() - t0, 2), "removed": done}
            await _vacuum(url)
            found["after_first_run"] = await _sizes(pool)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--database-url", help="An admin URL of a PostgreSQL server (default: embedded).")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    # The embedded server stops when this process exits; its folder is left for a look afterwards.
    work = Path(tempfile.mkdtemp(prefix="hirebridge-bench-retention-"))
    admin = args.database_url or embedded_server_uri(work / "pg")
    company = Company()
    results: dict[str, Any] = {"company": company.__dict__, "windows": Retention().windows()}
    for retention in (True, False):
        name = f"bench_retention_{uuid.uuid4().hex[:8]}"
        ensure_database(admin, name)
        key = "with_retention" if retention else "without_retention"
        url = with_database(admin, name)
        results[key] = asyncio.run(simulate(url, args.days, retention=retention, company=company))
        print(json.dumps({key: results[key]}, indent=2, default=str))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    on, off = results["with_retention"], results["without_retention"]
    print(
        f"after {args.days} days: {on['database_mb']} MB with retention, {off['database_mb']} MB without; "
        f"daily retention run p50 {on['daily_run']['p50_ms']} ms, max {on['daily_run']['max_ms']} ms; "
        f"first run after the year {off['first_run_after_a_year']['seconds']} s (data: {work})"
    )


if __name__ == "__main__":
    main()
