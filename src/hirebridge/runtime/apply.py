"""The executor: performs planned actions, each write between an intent and its recorded outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.clock import utc_now
from hirebridge.connectors.errors import PermanentError, Rejected
from hirebridge.connectors.jira import BULK_LIMIT, JiraClient
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.adf import plain_text_adf
from hirebridge.domain.effects import (
    Desired,
    DesiredComment,
    DesiredIssue,
    DesiredNote,
    DesiredRequest,
    EffectRecord,
    IssueContent,
    digest,
)
from hirebridge.domain.packet import offer_check_cleared, offer_check_note
from hirebridge.domain.plan import (
    Action,
    AddComment,
    CheckOffer,
    CreateIssue,
    CreateRequest,
    PostNote,
    PreparePacket,
    ResolvePending,
    TransitionIssue,
    UpdateIssue,
    WithdrawPacket,
)
from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.runtime.jira_values import named_fields
from hirebridge.runtime.packets import PacketsPort
from hirebridge.runtime.reference import LeverReference
from hirebridge.runtime.retry import RetryLater
from hirebridge.store import ledger

log = structlog.get_logger(__name__)
PROPERTY_KEY = "hirebridge"


def with_marker(text: str, marker: str) -> str:
    return f"{text}\n\n(hirebridge ref {marker})"


class EffectExecutor:
    def __init__(
        self,
        *,
        pool: AsyncConnectionPool,
        subject: Subject,
        lever: LeverClient,
        lever_reference: LeverReference,
        perform_as: str | None,
        jira: Mapping[str, JiraClient],
        search_consistency: Mapping[str, float],
        packets: PacketsPort | None = None,
    ) -> None:
        self.pool = pool
        self.subject = subject
        self.lever = lever
        self.reference = lever_reference
        self.perform_as = perform_as
        self.jira = jira
        self.search_consistency = search_consistency
        self.packets = packets

    def marker(self, recipe: str, key: str) -> str:
        return effect_marker(self.subject, recipe, key)

    async def _intend(self, desired: Desired, kind: str, target: str) -> str:
        marker = self.marker(desired.recipe, desired.key)
        await ledger.record_intents(
            self.pool,
            self.subject,
            [
                {
                    "recipe": desired.recipe,
                    "key": desired.key,
                    "effect_kind": kind,
                    "target": target,
                    "marker": marker,
                    "status": None,
                    "content_hash": None,
                }
            ],
        )
        return marker

    async def _park(self, desired: Desired | EffectRecord, error: PermanentError) -> None:
        await ledger.record_failed(
            self.pool, self.subject, recipe=desired.recipe, key=desired.key, error=error.message
        )
        log.warning("effect parked", subject=self.subject.id, key=desired.key, reason=error.summary)

    async def apply(self, actions: Sequence[Action], ledger_rows: Mapping[str, EffectRecord]) -> None:
        creates = [a.desired for a in actions if isinstance(a, CreateIssue)]
        for connection in sorted({d.connection for d in creates}):
            group = [d for d in creates if d.connection == connection]
            for start in range(0, len(group), BULK_LIMIT):
                await self.create_issues(connection, group[start : start + BULK_LIMIT], ledger_rows)
        for action in actions:
            try:
                await self._apply_one(action)
            except PermanentError as exc:
                record = getattr(action, "record", None) or action.desired  # type: ignore[union-attr]
                await self._park(record, exc)

    async def _apply_one(self, action: Action) -> None:
        if isinstance(action, PostNote):
            await self.post_note(action.desired)
        elif isinstance(action, AddComment):
            await self.add_comment(action.desired)
        elif isinstance(action, CreateRequest):
            await self.create_request(action.desired)
        elif isinstance(action, ResolvePending):
            found = await self.resolve_pending(action.desired, action.record)
            # A write whose outcome a crash lost: the timeline says whether it had reached its target.
            await ledger.audit(
                self.pool,
                self.subject,
                "pending-found" if found else "pending-forgotten",
                {"recipe": action.record.recipe, "key": action.record.key, "kind": action.record.kind},
            )
        elif isinstance(action, UpdateIssue):
            await self.update_issue(action.desired, action.record)
        elif isinstance(action, TransitionIssue):
            await self.transition_issue(action.desired, action.record)
        elif isinstance(action, PreparePacket | WithdrawPacket):
            await self.packet(action)
        elif isinstance(action, CheckOffer):
            await self.check_offer(action)

    # Jira issues --------------------------------------------------------------------------------

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
                    {"recipe": desired.recipe, "key": desired.key},
                )
        if content.priority:
            fields["priority"] = {"name": content.priority}
        if content.due_date:
            fields["duedate"] = content.due_date
        fields.update(await named_fields(client, content.fields))
        return fields

    async def create_issues(
        self, connection: str, group: list[DesiredIssue], ledger_rows: Mapping[str, EffectRecord]
    ) -> None:
        client = self.jira[connection]
        updates, ready = [], []
        for desired in group:
            assert desired.content is not None
            marker = self.marker(desired.recipe, desired.key)
            try:
                fields = await self._fields(client, desired, desired.content, marker, ledger_rows)
            except PermanentError as exc:
                await self._park(desired, exc)
                continue
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
            ready.append(desired)
        if not ready:
            return
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
                for d in ready
            ],
        )
        failures: dict[int, PermanentError] = {}
        if len(updates) == 1:
            try:
                created = [await client.create_issue(updates[0]["fields"], updates[0]["properties"])]
            except PermanentError as exc:
                created, failures = [], {0: exc}
        else:
            body = await client.create_issues(updates)
            created = list(body.get("issues") or [])
            failures = {
                int(e.get("failedElementNumber", -1)): _element_error(e) for e in body.get("errors") or []
            }
        successes = iter(created)
        for index, desired in enumerate(ready):
            if index in failures:
                await self._park(desired, failures[index])
                continue
            issue = next(successes)
            await self._issue_done(client, desired, str(issue["id"]), issue["key"], status="")

    async def _issue_done(
        self, client: JiraClient, desired: DesiredIssue, issue_id: str, key: str, *, status: str
    ) -> None:
        assert desired.content is not None
        if desired.content.remote_link is not None:
            url, title = desired.content.remote_link
            await client.set_remote_link(
                key, global_id=self.marker(desired.recipe, desired.key), url=url, title=title
            )
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=desired.recipe,
            key=desired.key,
            external_id=issue_id,
            external_key=key,
            external_url=client.browse_url(key),
            status=status,
            content_hash=desired.digest,
        )

    async def update_issue(self, desired: DesiredIssue, record: EffectRecord) -> None:
        assert desired.content is not None and record.external_key
        client = self.jira[desired.connection]
        # Only what the recipe owns: a field people edit in Jira keeps their value.
        fields = await self._fields(client, desired, desired.content.owned_only(desired.owned), None, {})
        if desired.owned is not None and "summary" not in desired.owned:
            del fields["summary"]
        await client.edit_issue(record.external_key, fields)
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=record.recipe,
            key=record.key,
            external_id=record.external_id,
            external_key=record.external_key,
            external_url=record.external_url,
            status=record.status,
            content_hash=desired.digest,
        )

    async def transition_issue(self, desired: DesiredIssue | DesiredRequest, record: EffectRecord) -> None:
        assert record.external_key and desired.status is not None
        client = self.jira[desired.connection]
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
            marker = record.marker or self.marker(record.recipe, record.key)
            comment = plain_text_adf(with_marker(desired.comment, marker)) if desired.comment else None
            await client.transition(record.external_key, str(transition["id"]), comment)
        elif current.lower() != target:
            raise Rejected(
                f"{record.external_key} is in status '{current}' and its workflow offers no "
                f"transition to '{desired.status}'; name a status the workflow reaches"
            )
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=record.recipe,
            key=record.key,
            external_id=record.external_id,
            external_key=record.external_key,
            external_url=record.external_url,
            status=desired.status,
            content_hash=record.content_hash,
        )
        await ledger.audit(
            self.pool,
            self.subject,
            "transitioned",
            {"recipe": record.recipe, "key": record.key, "issue": record.external_key, "to": desired.status},
        )

    # Service Management ---------------------------------------------------------------------------

    async def create_request(self, desired: DesiredRequest) -> None:
        assert desired.content is not None
        content = desired.content
        client = self.jira[desired.connection]
        desk = await client.service_desk(content.service_desk)
        if desk is None:
            raise Rejected(f"Jira has no service desk '{content.service_desk}'")
        desk_id = str(desk["id"])
        kind = next(
            (
                t
                for t in await client.request_types(desk_id)
                if str(t.get("name", "")).lower() == content.request_type.lower()
            ),
            None,
        )
        if kind is None:
            raise Rejected(
                f"service desk '{content.service_desk}' has no request type '{content.request_type}'"
            )
        type_fields = {
            str(f.get("name", "")).lower(): f for f in await client.request_type_fields(desk_id, kind["id"])
        }
        marker = await self._intend(desired, "jsm_request", f"jira:{desired.connection}")
        values: dict[str, Any] = {
            "summary": content.summary[:255],
            "description": with_marker(content.description or "", marker),
        }
        for name, value in content.fields:
            meta = type_fields.get(name.lower())
            if meta is None:
                raise Rejected(f"request type '{content.request_type}' has no field '{name}'")
            values[str(meta["fieldId"])] = await _request_value(meta, value)
        created = await client.create_request(desk_id, str(kind["id"]), values)
        key = str(created["issueKey"])
        # Request forms have no labels; label it now so a crash can be resolved like an issue's.
        await client.add_labels(key, [marker])
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=desired.recipe,
            key=desired.key,
            external_id=str(created.get("issueId", "")),
            external_key=key,
            external_url=client.browse_url(key),
            status="",
            content_hash=content.digest,
        )

    # Lever notes and Jira comments ----------------------------------------------------------------

    async def post_note(self, desired: DesiredNote) -> None:
        marker = await self._intend(desired, "lever_note", f"lever:{desired.connection}")
        perform_as = self.perform_as
        if desired.perform_as:
            perform_as = await self.reference.user_id_by_email(desired.perform_as) or perform_as
        note = await self.lever.add_note(
            self.subject.id, with_marker(desired.text, marker), secret=desired.secret, perform_as=perform_as
        )
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=desired.recipe,
            key=desired.key,
            external_id=str(note.get("id") or note.get("noteId")),
        )

    async def add_comment(self, desired: DesiredComment) -> None:
        marker = await self._intend(desired, "jira_comment", f"jira:{desired.connection}")
        client = self.jira[desired.connection]
        comment = await client.add_comment(
            desired.issue_key, plain_text_adf(with_marker(desired.text, marker))
        )
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=desired.recipe,
            key=desired.key,
            external_id=str(comment.get("id")),
            external_key=desired.issue_key,
        )

    # Justworks packets ----------------------------------------------------------------------------

    async def packet(self, action: PreparePacket | WithdrawPacket) -> None:
        if self.packets is None:
            raise Rejected("Justworks packets need a `justworks` connection and the packets module")
        desired = action.desired
        if isinstance(action, WithdrawPacket):
            await self.packets.withdraw_packet(self.subject, action.record)
            await ledger.record_done(
                self.pool,
                self.subject,
                recipe=desired.recipe,
                key=desired.key,
                external_id=action.record.external_id,
                status="withdrawn",
                content_hash=action.record.content_hash,
            )
            return
        await self._intend(desired, "justworks_packet", f"justworks:{desired.connection}")
        result = await self.packets.prepare_packet(self.subject, desired, action.record)
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=desired.recipe,
            key=desired.key,
            external_id=result.packet_id,
            status=result.status,
            content_hash=desired.digest,
        )

    async def check_offer(self, action: CheckOffer) -> None:
        """Tell the recruiter in one Lever note what Justworks would refuse in this offer. The note is
        posted when there is something to fix and changed (Lever lets the API edit its own notes)
        when the findings change; an offer with nothing to fix gets no note at all."""
        if self.packets is None:
            raise Rejected("the Justworks offer check needs a `justworks` connection")
        desired, record = action.desired, action.record
        check = await self.packets.check_fields(desired.connection, desired.fields)
        text = offer_check_note(check)
        findings = digest(text or "")
        note_id = record.external_id if record is not None else None
        if record is not None and record.status == findings:
            pass  # the offer changed, what Justworks would refuse did not: the note stands
        elif note_id:
            text = with_marker(text or offer_check_cleared(), record.marker)  # type: ignore[union-attr]
            await self.lever.update_note(self.subject.id, note_id, text)
        else:
            marker = await self._intend(desired, "lever_note", f"lever:{self.subject.connection}")
            if text is not None:
                note = await self.lever.add_note(
                    self.subject.id,
                    with_marker(text, marker),
                    secret=desired.secret,
                    perform_as=self.perform_as,
                )
                note_id = str(note.get("id") or note.get("noteId"))
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=desired.recipe,
            key=desired.key,
            external_id=note_id,
            status=findings,
            content_hash=desired.digest,
        )

    # Crash recovery -------------------------------------------------------------------------------

    async def resolve_pending(self, desired: Desired | None, record: EffectRecord) -> bool:
        """Find the marker of a write whose outcome was not recorded; forget it if it never happened.
        True when the write had happened (and is now recorded as done)."""
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
                    return True
            await ledger.forget_pending(self.pool, self.subject, recipe=record.recipe, key=record.key)
            return False
        if record.kind == "justworks_packet":
            # Preparing a packet is local and idempotent per subject: doing it again is safe.
            await ledger.forget_pending(self.pool, self.subject, recipe=record.recipe, key=record.key)
            return False
        client = self.jira[record.target.removeprefix("jira:")]
        if record.kind == "jira_comment" and desired is None:
            # No longer wanted, and which issue it went to is known only to the desired comment.
            await ledger.forget_pending(self.pool, self.subject, recipe=record.recipe, key=record.key)
            return False
        if record.kind == "jira_comment" and isinstance(desired, DesiredComment):
            for comment in await client.comments(desired.issue_key):
                if record.marker in str(comment.get("body")):
                    await ledger.record_done(
                        self.pool,
                        self.subject,
                        recipe=record.recipe,
                        key=record.key,
                        external_id=str(comment["id"]),
                        external_key=desired.issue_key,
                    )
                    return True
            await ledger.forget_pending(self.pool, self.subject, recipe=record.recipe, key=record.key)
            return False
        # Jira search lags behind writes: only a search made after the safe delay proves absence.
        connection = record.target.removeprefix("jira:")
        safe_at = (record.intent_at or utc_now()) + timedelta(seconds=self.search_consistency[connection])
        found = await client.search(f'labels = "{record.marker}"', fields=["status"], max_results=2)
        if found:
            issue = found[0]
            if isinstance(desired, DesiredIssue) and desired.content is not None:
                await self._issue_done(client, desired, str(issue["id"]), issue["key"], status="")
            else:
                await ledger.record_done(
                    self.pool,
                    self.subject,
                    recipe=record.recipe,
                    key=record.key,
                    external_id=str(issue["id"]),
                    external_key=issue["key"],
                    external_url=client.browse_url(issue["key"]),
                    status="",
                )
            return True
        if utc_now() < safe_at:
            raise RetryLater(f"waiting for Jira search to show {record.marker}", at=safe_at)
        await ledger.forget_pending(self.pool, self.subject, recipe=record.recipe, key=record.key)
        return False


async def _request_value(meta: Mapping[str, Any], value: Any) -> Any:
    schema = meta.get("jiraSchema") or {}
    if schema.get("type") == "option" or meta.get("validValues"):
        return {"value": value}
    return value


def _element_error(error: Mapping[str, Any]) -> Rejected:
    details = error.get("elementErrors") or {}
    parts = [str(m) for m in details.get("errorMessages") or ()]
    parts += [f"{k}: {v}" for k, v in (details.get("errors") or {}).items()]
    refused = f"Jira refused the issue ({error.get('status', 400)})"
    return Rejected(f"{refused}: " + ("; ".join(parts) or "no reason given"), service="jira", summary=refused)
