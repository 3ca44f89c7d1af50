"""The executor: performs planned actions, each write between an intent and its recorded outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.connectors.errors import PermanentError, utc_now
from hirebridge.connectors.jira import BULK_LIMIT, JiraClient
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.adf import plain_text_adf
from hirebridge.domain.effects import DesiredIssue, DesiredNote, EffectRecord, IssueContent
from hirebridge.domain.plan import Action, CreateIssue, PostNote, ResolvePending, TransitionIssue, UpdateIssue
from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.runtime.retry import RetryLater
from hirebridge.store import ledger

log = structlog.get_logger(__name__)
PROPERTY_KEY = "hirebridge"


def note_with_marker(text: str, marker: str) -> str:
    return f"{text}\n\n(hirebridge ref {marker})"


class EffectExecutor:
    def __init__(
        self,
        *,
        pool: AsyncConnectionPool,
        subject: Subject,
        lever: LeverClient,
        perform_as: str | None,
        jira: Mapping[str, JiraClient],
        search_consistency: Mapping[str, float],
    ) -> None:
        self.pool = pool
        self.subject = subject
        self.lever = lever
        self.perform_as = perform_as
        self.jira = jira
        self.search_consistency = search_consistency

    def marker(self, recipe: str, key: str) -> str:
        return effect_marker(self.subject, recipe, key)

    async def apply(self, actions: Sequence[Action], ledger_rows: Mapping[str, EffectRecord]) -> None:
        creates = [a.desired for a in actions if isinstance(a, CreateIssue)]
        for connection in sorted({d.connection for d in creates}):
            group = [d for d in creates if d.connection == connection]
            for start in range(0, len(group), BULK_LIMIT):
                await self.create_issues(connection, group[start : start + BULK_LIMIT], ledger_rows)
        for action in actions:
            if isinstance(action, PostNote):
                await self.post_note(action.desired)
            elif isinstance(action, ResolvePending):
                await self.resolve_pending(action.desired, action.record)
            elif isinstance(action, UpdateIssue):
                await self.update_issue(action.desired, action.record)
            elif isinstance(action, TransitionIssue):
                await self.transition_issue(action.desired, action.record)

    async def _fields(
        self,
        client: JiraClient,
        desired: DesiredIssue,
        content: IssueContent,
        marker: str | None,
        ledger_rows: Mapping[str, EffectRecord],
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {"summary": content.summary[:255]}
        if marker is not None:
            fields["project"] = {"key": content.project}
            fields["issuetype"] = {"name": content.issue_type}
            fields["labels"] = [*content.labels, marker]
            if desired.parent_key:
                fields["parent"] = {"key": ledger_rows[desired.parent_key].external_key}
        if content.description is not None:
            fields["description"] = content.description
        if content.assignee_email:
            account = await client.account_id(content.assignee_email)
            if account:
                fields["assignee"] = {"accountId": account}
            else:
                await ledger.audit(
                    self.pool,
                    self.subject,
                    "assignee-unknown",
                    {"recipe": desired.recipe, "key": desired.key, "connection": desired.connection},
                )
        if content.priority:
            fields["priority"] = {"name": content.priority}
        if content.due_date:
            fields["duedate"] = content.due_date
        return fields

    async def create_issues(
        self, connection: str, group: list[DesiredIssue], ledger_rows: Mapping[str, EffectRecord]
    ) -> None:
        client = self.jira[connection]
        updates = []
        for desired in group:
            assert desired.content is not None
            marker = self.marker(desired.recipe, desired.key)
            fields = await self._fields(client, desired, desired.content, marker, ledger_rows)
            properties = [
                {
                    "key": PROPERTY_KEY,
                    "value": {
                        "marker": marker,
                        "recipe": desired.recipe,
                        "key": desired.key,
                        "subject": self.subject.id,
                    },
                }
            ]
            updates.append({"fields": fields, "properties": properties})
        await ledger.record_intents(
            self.pool,
            self.subject,
            [
                {
                    "recipe": d.recipe,
                    "key": d.key,
                    "effect_kind": "jira_issue",
                    "target": f"jira:{connection}",
                    "marker": self.marker(d.recipe, d.key),
                    "status": None,
                    "content_hash": None,
                }
                for d in group
            ],
        )
        if len(updates) == 1:
            try:
                created = [await client.create_issue(updates[0]["fields"], updates[0]["properties"])]
                failures: dict[int, str] = {}
            except PermanentError as exc:
                created, failures = [], {0: exc.message}
        else:
            body = await client.create_issues(updates)
            created = list(body.get("issues") or [])
            failures = {
                int(err.get("failedElementNumber", -1)): _element_error(err)
                for err in body.get("errors") or []
            }
        successes = iter(created)
        for index, desired in enumerate(group):
            assert desired.content is not None
            if index in failures:
                await ledger.record_failed(
                    self.pool, self.subject, recipe=desired.recipe, key=desired.key, error=failures[index]
                )
                log.warning("effect parked", subject=self.subject.id, key=desired.key, reason=failures[index])
                continue
            issue = next(successes)
            await ledger.record_done(
                self.pool,
                self.subject,
                recipe=desired.recipe,
                key=desired.key,
                external_id=str(issue["id"]),
                external_key=issue["key"],
                external_url=client.browse_url(issue["key"]),
                status="open",
                content_hash=desired.content.digest,
            )

    async def post_note(self, desired: DesiredNote) -> None:
        marker = self.marker(desired.recipe, desired.key)
        await ledger.record_intents(
            self.pool,
            self.subject,
            [
                {
                    "recipe": desired.recipe,
                    "key": desired.key,
                    "effect_kind": "lever_note",
                    "target": f"lever:{desired.connection}",
                    "marker": marker,
                    "status": None,
                    "content_hash": None,
                }
            ],
        )
        try:
            note = await self.lever.add_note(
                self.subject.id,
                note_with_marker(desired.text, marker),
                secret=desired.secret,
                perform_as=self.perform_as,
            )
        except PermanentError as exc:
            await ledger.record_failed(
                self.pool, self.subject, recipe=desired.recipe, key=desired.key, error=exc.message
            )
            return
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=desired.recipe,
            key=desired.key,
            external_id=str(note.get("id") or note.get("noteId")),
        )

    async def resolve_pending(self, desired: DesiredIssue | DesiredNote, record: EffectRecord) -> None:
        if record.kind == "lever_note":
            async for note in self.lever.notes(self.subject.id):
                if any(record.marker in str(f.get("value", "")) for f in note.get("fields") or ()):
                    await ledger.record_done(
                        self.pool,
                        self.subject,
                        recipe=record.recipe,
                        key=record.key,
                        external_id=str(note["id"]),
                    )
                    return
            await ledger.forget_pending(self.pool, self.subject, recipe=record.recipe, key=record.key)
            return
        connection = record.target.removeprefix("jira:")
        client = self.jira[connection]
        # Jira search lags behind writes: only a search made after the safe delay can prove absence.
        safe_at = (record.intent_at or utc_now()) + timedelta(seconds=self.search_consistency[connection])
        found = await client.search(f'labels = "{record.marker}"', fields=["status"], max_results=2)
        if found:
            issue = found[0]
            content = desired.content if isinstance(desired, DesiredIssue) else None
            await ledger.record_done(
                self.pool,
                self.subject,
                recipe=record.recipe,
                key=record.key,
                external_id=str(issue["id"]),
                external_key=issue["key"],
                external_url=client.browse_url(issue["key"]),
                status="open",
                content_hash=content.digest if content else None,
            )
            return
        if utc_now() < safe_at:
            raise RetryLater(f"waiting for Jira search to show {record.marker}", at=safe_at)
        await ledger.forget_pending(self.pool, self.subject, recipe=record.recipe, key=record.key)

    async def update_issue(self, desired: DesiredIssue, record: EffectRecord) -> None:
        assert desired.content is not None and record.external_key
        client = self.jira[desired.connection]
        fields = await self._fields(client, desired, desired.content, None, {})
        try:
            await client.edit_issue(record.external_key, fields)
        except PermanentError as exc:
            await ledger.record_failed(
                self.pool, self.subject, recipe=record.recipe, key=record.key, error=exc.message
            )
            return
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=record.recipe,
            key=record.key,
            external_id=record.external_id,
            external_key=record.external_key,
            external_url=record.external_url,
            status=record.phase,
            content_hash=desired.content.digest,
        )

    async def transition_issue(self, desired: DesiredIssue, record: EffectRecord) -> None:
        assert record.external_key
        client = self.jira[desired.connection]
        target = desired.status.lower()
        offered = await client.transitions(record.external_key)
        transition = next(
            (t for t in offered if str(t.get("to", {}).get("name", "")).lower() == target), None
        )
        if transition is not None:
            comment = plain_text_adf(desired.comment) if desired.comment else None
            await client.transition(record.external_key, str(transition["id"]), comment)
        else:
            current = await client.issue_status(record.external_key)
            if current.lower() != target:
                await ledger.record_failed(
                    self.pool,
                    self.subject,
                    recipe=record.recipe,
                    key=record.key,
                    error=f"{record.external_key} is in status '{current}' and its workflow offers no "
                    f"transition to '{desired.status}'; set on_reversal to a status the workflow reaches",
                )
                return
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=record.recipe,
            key=record.key,
            external_id=record.external_id,
            external_key=record.external_key,
            external_url=record.external_url,
            status=desired.phase,
            content_hash=record.content_hash,
        )
        await ledger.audit(
            self.pool,
            self.subject,
            "transitioned",
            {"recipe": record.recipe, "key": record.key, "issue": record.external_key, "to": desired.status},
        )


def _element_error(error: Mapping[str, Any]) -> str:
    details = error.get("elementErrors") or {}
    parts = [str(m) for m in details.get("errorMessages") or ()]
    parts += [f"{k}: {v}" for k, v in (details.get("errors") or {}).items()]
    return f"Jira refused the issue ({error.get('status', 400)}): " + ("; ".join(parts) or "no reason given")
