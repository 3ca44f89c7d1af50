"""Jira issues: created in bulk, kept in step, moved through their workflow, found again by marker."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from hirebridge.clock import utc_now
from hirebridge.connectors.errors import PermanentError, Rejected
from hirebridge.connectors.jira import (
    JiraClient,
    bulk_failures,
    issue_fields,
    issue_properties,
)
from hirebridge.domain.adf import plain_text_adf
from hirebridge.domain.effects import Desired, DesiredIssue, DesiredRequest, EffectRecord, IssueContent
from hirebridge.domain.plan import TransitionIssue, UpdateIssue
from hirebridge.runtime.effect_context import EffectContext, with_marker
from hirebridge.runtime.jira_values import named_fields
from hirebridge.runtime.retry import RetryLater


async def _fields(
    ctx: EffectContext,
    client: JiraClient,
    desired: DesiredIssue,
    content: IssueContent,
    *,
    marker: str | None = None,
    parent: str | None = None,
) -> dict[str, Any]:
    fields = issue_fields(content, marker=marker, parent=parent)
    if content.assignee_email:
        account = await client.account_id(content.assignee_email)
        if account:
            fields["assignee"] = {"accountId": account}
        else:
            await ctx.audit("assignee-unknown", {"recipe": desired.recipe, "key": desired.key})
    fields.update(await named_fields(client, content.fields))
    return fields


async def create_issues(
    ctx: EffectContext, connection: str, group: list[DesiredIssue], rows: Mapping[str, EffectRecord]
) -> None:
    """One bulk create (≤ 50) for the group; each issue refused is parked alone."""
    client = ctx.jira[connection]
    updates, ready = [], []
    for desired in group:
        assert desired.content is not None
        marker = ctx.marker(desired.recipe, desired.key)
        parent = rows[desired.parent_key].external_key if desired.parent_key else None
        try:
            fields = await _fields(ctx, client, desired, desired.content, marker=marker, parent=parent)
        except PermanentError as exc:
            await ctx.park(desired, exc)
            continue
        properties = issue_properties(marker, recipe=desired.recipe, key=desired.key, subject=ctx.subject.id)
        updates.append({"fields": fields, "properties": properties})
        ready.append(desired)
    if not ready:
        return
    await ctx.intend(*ready, kind="jira_issue", target=f"jira:{connection}")
    failures: dict[int, PermanentError] = {}
    if len(updates) == 1:
        try:
            created = [await client.create_issue(updates[0]["fields"], updates[0]["properties"])]
        except PermanentError as exc:
            created, failures = [], {0: exc}
    else:
        body = await client.create_issues(updates)
        created = list(body.get("issues") or [])
        failures = dict(bulk_failures(body))
    successes = iter(created)
    for index, desired in enumerate(ready):
        if index in failures:
            await ctx.park(desired, failures[index])
            continue
        issue = next(successes)
        await _issue_done(ctx, client, desired, str(issue["id"]), issue["key"])


async def _issue_done(
    ctx: EffectContext, client: JiraClient, desired: DesiredIssue, issue_id: str, key: str
) -> None:
    assert desired.content is not None
    if desired.content.remote_link is not None:
        url, title = desired.content.remote_link
        await client.set_remote_link(
            key, global_id=ctx.marker(desired.recipe, desired.key), url=url, title=title
        )
    await ctx.done(desired, issue_id, key, client.browse_url(key), status="", content_hash=desired.digest)


async def update_issue(ctx: EffectContext, action: UpdateIssue) -> None:
    desired, record = action.desired, action.record
    assert desired.content is not None and record.external_key
    client = ctx.jira[desired.connection]
    # Only what the recipe owns: a field people edit in Jira keeps their value.
    fields = await _fields(ctx, client, desired, desired.content.owned_only(desired.owned))
    if desired.owned is not None and "summary" not in desired.owned:
        del fields["summary"]
    await client.edit_issue(record.external_key, fields)
    await ctx.kept(record, status=record.status, content_hash=desired.digest)


async def transition(ctx: EffectContext, action: TransitionIssue) -> None:
    await transition_issue(ctx, action.desired, action.record)


async def transition_issue(
    ctx: EffectContext, desired: DesiredIssue | DesiredRequest, record: EffectRecord
) -> None:
    assert record.external_key and desired.status is not None
    client = ctx.jira[desired.connection]
    target = desired.status.lower()
    current, offered = await client.status_and_transitions(record.external_key)
    # Already there (a retry after the transition was applied, or a person moved it): nothing to
    # send, and no second audit comment.
    transition = (
        None
        if current.lower() == target
        else next((t for t in offered if str(t.get("to", {}).get("name", "")).lower() == target), None)
    )
    if transition is not None:
        # Marked like every comment hirebridge writes, so reading comments back never echoes it.
        marker = record.marker or ctx.marker(record.recipe, record.key)
        comment = plain_text_adf(with_marker(desired.comment, marker)) if desired.comment else None
        await client.transition(record.external_key, str(transition["id"]), comment)
    elif current.lower() != target:
        raise Rejected(
            f"{record.external_key} is in status '{current}' and its workflow offers no "
            f"transition to '{desired.status}'; name a status the workflow reaches"
        )
    await ctx.kept(record, status=desired.status, content_hash=record.content_hash)
    await ctx.audit(
        "transitioned",
        {"recipe": record.recipe, "key": record.key, "issue": record.external_key, "to": desired.status},
    )


async def resolve(ctx: EffectContext, desired: Desired | None, record: EffectRecord) -> bool:
    """An issue or request whose create's outcome was lost, found by the marker label."""
    connection = record.target.removeprefix("jira:")
    client = ctx.jira[connection]
    # Jira search lags behind writes: only a search made after the safe delay proves absence.
    safe_at = (record.intent_at or utc_now()) + timedelta(seconds=ctx.search_consistency[connection])
    found = await client.search(f'labels = "{record.marker}"', fields=["status"], max_results=2)
    if found:
        issue = found[0]
        if isinstance(desired, DesiredIssue) and desired.content is not None:
            await _issue_done(ctx, client, desired, str(issue["id"]), issue["key"])
        else:
            await ctx.done(record, str(issue["id"]), issue["key"], client.browse_url(issue["key"]), status="")
        return True
    if utc_now() < safe_at:
        raise RetryLater(f"waiting for Jira search to show {record.marker}", at=safe_at)
    await ctx.forget(record)
    return False
