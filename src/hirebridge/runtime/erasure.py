"""Erasure: a candidate deleted in Lever (its `candidateDeleted` webhook, or the deleted list the sweep
reads), or forgotten on request (`hirebridge forget`), is erased from everything hirebridge holds, and
what its recipes wrote in Jira follows each recipe's `on_erasure` policy, once.

Runs inside the subject's reconcile (its lock, its retries): the store is scrubbed first, then the
Jira writes owed are made through the ledger, then the subject is marked erased. A subject marked
erased is never reconciled again; a later hint only empties what it stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.lifecycle import ErasurePolicy
from hirebridge.connectors.errors import PermanentError
from hirebridge.domain.adf import plain_text_adf
from hirebridge.domain.effects import DesiredIssue
from hirebridge.domain.erasure import EraseIssue, erasure_plan
from hirebridge.domain.subjects import Subject
from hirebridge.runtime.apply import EffectExecutor
from hirebridge.runtime.effects_jira import transition_issue
from hirebridge.store import ledger, lifecycle

log = structlog.get_logger(__name__)
DELETED_EVENT = "candidateDeleted"
# Why, as the timeline says it: which of Lever's signals told of the deletion.
WEBHOOK_REASON = "deleted in Lever (candidateDeleted webhook)"
LISTED_REASON = "deleted in Lever (listed as deleted)"


def erasure_request(by: str, reason: str) -> dict[str, Any]:
    """Who asked (an operator, or the Lever user who deleted), why, and when; nothing personal."""
    return {"by": by, "reason": reason, "requested_at": datetime.now(UTC).isoformat()}


async def erase(
    pool: AsyncConnectionPool,
    subject: Subject,
    request: dict[str, Any],
    *,
    version: int,
    policies: Mapping[str, ErasurePolicy],
    executor: EffectExecutor,
) -> str:
    await lifecycle.scrub(pool, subject)
    owed = erasure_plan(policies, await ledger.effects_of(pool, subject))
    for action in owed:
        try:
            await _erase_issue(pool, subject, action, executor)
        except PermanentError as exc:
            await ledger.record_failed(
                pool, subject, recipe=action.record.recipe, key=action.key, error=exc.message
            )
            log.warning("erasure write parked", subject=subject.id, key=action.key, reason=exc.summary)
    await lifecycle.mark_erased(pool, subject, request, version)
    if request.get("erased_at") is None:
        log.info("erased", subject=subject.id, kind=subject.kind, jira=len(owed))
        return "erased"
    return "erased before" + (f", {len(owed)} jira" if owed else "")


async def _erase_issue(
    pool: AsyncConnectionPool, subject: Subject, action: EraseIssue, executor: EffectExecutor
) -> None:
    record, policy, ctx = action.record, action.policy, executor.context
    connection = record.target.removeprefix("jira:")
    assert record.external_key is not None
    erasing = replace(record, key=action.key)
    await ctx.intend(erasing, kind="jira_erasure", target=record.target)
    client = ctx.jira[connection]
    await client.edit_issue(
        record.external_key,
        {"summary": policy.summary[:255], "description": plain_text_adf(policy.description)},
    )
    if action.close:
        closing = DesiredIssue(
            record.recipe, record.key, connection, status=policy.close_status, comment=policy.comment
        )
        await transition_issue(ctx, closing, record)
    await ctx.kept(erasing, status="closed" if action.close else "redacted", content_hash=None)
