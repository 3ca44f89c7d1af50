"""What happened in Jira to the issues a subject's recipes watch: feedback comments and resolutions.

Read from Jira at every reconcile (level-triggered): a Jira webhook only says *when* to look, so a
lost or duplicated delivery changes nothing. Only issues that a `jira_feedback` or
`jira_resolution_note` action names as its `source` are read, and only what that action needs.
Comments hirebridge wrote itself carry its marker and are left out, so they never echo back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.connectors.errors import NotFound
from hirebridge.connectors.jira import JiraClient
from hirebridge.domain.adf import adf_to_text
from hirebridge.domain.effects import EffectRecord, InboundItem
from hirebridge.domain.subjects import Subject, carries_marker
from hirebridge.store import ledger

ISSUE_KINDS = frozenset({"jira_issue", "jsm_request"})
NEEDS = {"jira_feedback": "comment", "jira_resolution_note": "resolved"}


@dataclass
class _Watched:
    connection: str
    key: str
    needs: set[str]
    # The status hirebridge itself last put the issue in: a close of its own is not a resolution.
    own_status: str


def _watches(config: Config, subject: Subject) -> list[tuple[str, str, str]]:
    """(recipe, source action id, what to read) for this subject's recipes."""
    return [
        (recipe.name, action.body.source, NEEDS[action.kind])
        for recipe in config.recipes
        if recipe.lever == subject.connection and recipe.subject == subject.kind
        for action in recipe.actions
        if action.kind in NEEDS
    ]


def watched_issues(
    watches: list[tuple[str, str, str]], effects: Mapping[tuple[str, str], EffectRecord]
) -> list[_Watched]:
    """Linked issues made by a watched source action (`source` itself or its `source:item` keys)."""
    found: dict[tuple[str, str], _Watched] = {}
    for (recipe, key), record in effects.items():
        if record.state != "done" or record.kind not in ISSUE_KINDS or not record.external_key:
            continue
        for watch_recipe, source, need in watches:
            if recipe == watch_recipe and (key == source or key.startswith(f"{source}:")):
                connection = record.target.removeprefix("jira:")
                entry = found.setdefault(
                    (connection, record.external_key),
                    _Watched(connection, record.external_key, set(), record.status or ""),
                )
                entry.needs.add(need)
    return sorted(found.values(), key=lambda w: (w.connection, w.key))


def _comment_items(key: str, comments: list[dict[str, Any]]) -> list[InboundItem]:
    items = []
    for comment in comments:
        body = comment.get("body")
        text = adf_to_text(body) if isinstance(body, dict) else str(body or "")
        if carries_marker(text):
            continue
        author = comment.get("author") or {}
        items.append(
            InboundItem(
                kind="comment",
                id=str(comment.get("id")),
                issue_key=key,
                author=str(author.get("displayName") or ""),
                text=text,
            )
        )
    return items


def _resolution_item(watched: _Watched, issue: dict[str, Any]) -> InboundItem | None:
    status = (issue.get("fields") or {}).get("status") or {}
    name = str(status.get("name") or "")
    category = str((status.get("statusCategory") or {}).get("key") or "")
    if category != "done" or name.lower() == watched.own_status.lower():
        return None
    return InboundItem(kind="resolved", id=str(issue.get("id") or ""), issue_key=watched.key, status=name)


async def inbound_items(
    pool: AsyncConnectionPool,
    subject: Subject,
    *,
    jira: Mapping[str, JiraClient],
    config: Config,
) -> list[InboundItem]:
    watches = _watches(config, subject)
    if not watches:
        return []
    items: list[InboundItem] = []
    for watched in watched_issues(watches, await ledger.effects_of(pool, subject)):
        client = jira.get(watched.connection)
        if client is None:
            continue
        try:
            if "comment" in watched.needs:
                items += _comment_items(watched.key, await client.comments(watched.key))
            if "resolved" in watched.needs:
                item = _resolution_item(watched, await client.issue(watched.key, ["status"]))
                if item is not None:
                    items.append(item)
        except NotFound:
            continue  # deleted in Jira: nothing more will come from it
    return items
