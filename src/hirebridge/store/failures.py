"""What `hirebridge status` shows and what `hirebridge replay` resets: counts, parked effects.

Nothing here returns candidate data: subjects are Lever ids, effects are recipe and key names, and
reasons are redacted of anything that looks like contact data before they leave the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject
from hirebridge.store import ledger, subjects
from hirebridge.store.sql import QUERIES

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ()./-]{7,}\d")
REASON_CHARS = 300


class Defer(Protocol):
    async def __call__(self, subject: Subject, *, connection: AsyncConnection | None = None) -> int: ...


def redact(reason: str | None) -> str:
    """A parked effect's reason, fit to print: Jira may echo a value back, so no contact data."""
    text = _PHONE.sub("<phone>", _EMAIL.sub("<email>", reason or ""))
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


@dataclass(frozen=True)
class ParkedEffect:
    connection: str
    subject_kind: str
    subject_id: str
    recipe: str
    key: str
    kind: str
    target: str
    reason: str
    attempts: int
    last_try: datetime
    id: int = 0  # the ledger row's id

    @property
    def ref(self) -> str:
        """What `replay --effect` takes."""
        return f"{self.subject_kind}:{self.subject_id}:{self.recipe}:{self.key}"


@dataclass(frozen=True)
class EffectFilter:
    """Which failed effects a replay resets; None matches any."""

    connection: str
    kind: str | None = None
    id: str | None = None
    recipe: str | None = None
    key: str | None = None


async def _rows(
    pool: AsyncConnectionPool, query: str, args: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(QUERIES[query], args or {})
        return list(await cur.fetchall())


async def status(pool: AsyncConnectionPool) -> dict[str, dict[str, Any]]:
    """Per Lever connection: subjects, reconcile jobs, webhooks, its OAuth grant and the number of
    parked effects."""
    found: dict[str, dict[str, Any]] = {}
    for query, section in (
        ("status_subjects", "subjects"),
        ("status_jobs", "jobs"),
        ("status_webhooks", "webhooks"),
        ("status_lever_tokens", "oauth"),
    ):
        for row in await _rows(pool, query):
            name = row.pop("connection") or "?"
            found.setdefault(name, {})[section] = row
    for row in await _rows(pool, "count_failed_effects"):
        found.setdefault(row["connection"], {})["parked"] = row["count"]
    return found


async def errored(pool: AsyncConnectionPool, *, limit: int = 200) -> list[dict[str, str]]:
    """Subjects whose last reconcile failed: connection, `kind:id` and the redacted error."""
    return [
        {"connection": r["connection"], "subject": f"{r['kind']}:{r['id']}", "error": redact(r["last_error"])}
        for r in await _rows(pool, "list_errored_subjects", {"limit": limit})
    ]


async def parked(
    pool: AsyncConnectionPool, *, connection: str | None = None, limit: int = 200
) -> list[ParkedEffect]:
    rows = await _rows(pool, "list_failed_effects", {"connection": connection, "limit": limit})
    return [
        ParkedEffect(
            connection=row["connection"],
            subject_kind=row["subject_kind"],
            subject_id=row["subject_id"],
            recipe=row["recipe"],
            key=row["key"],
            kind=row["kind"],
            target=row["target"],
            reason=redact(row["last_error"]),
            attempts=row["attempts"],
            last_try=row["updated_at"],
            id=row["id"],
        )
        for row in rows
    ]


async def replay(
    pool: AsyncConnectionPool, which: EffectFilter, *, defer: Defer, actor: str | None = None
) -> dict[Subject, list[str]]:
    """Reset the matching failed effects and queue one reconcile per subject (`defer`, the queue's
    port), all in one transaction. Returns the subjects queued with their reset `recipe:key`s.
    `actor`: the console account that asked, recorded with the timeline's row."""
    args = {"connection": which.connection, "kind": which.kind, "id": which.id}
    args |= {"recipe": which.recipe, "key": which.key}
    reset: dict[Subject, list[str]] = {}
    async with pool.connection() as conn, conn.transaction():
        for query in ("replay_forget_template_failures", "replay_reset_failures"):
            cur = await conn.execute(QUERIES[query], args)
            for connection, kind, subject_id, recipe, key in await cur.fetchall():
                reset.setdefault(Subject(connection, kind, subject_id), []).append(f"{recipe}:{key}")
        for subject, effects in sorted(reset.items()):
            await ledger.audit(conn, subject, "replayed", {"effects": effects}, actor=actor)
            # A new desired version, so the reconcile runs even if the subject was in sync.
            await subjects.bump(conn, subject)
            await defer(subject, connection=conn)
    return reset
