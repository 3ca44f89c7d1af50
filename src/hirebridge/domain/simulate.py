"""A dry run of planned actions: what each would write, and the ledger it would leave behind.

`plan` only shows the first step of a chain (an epic's children and the note linking it wait until
the epic exists). Recording each planned write in a copy of the ledger, with a placeholder key such
as `ONB-NEW1` where Jira would pick the real one, lets the next round plan the rest, exactly as the
executor's rounds would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hirebridge.domain.effects import DesiredIssue, DesiredRequest, EffectRecord
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

# Packet fields a plan never prints (the packet itself is reviewed in hirebridge before it is sent).
HIDDEN_PACKET_FIELDS = frozenset({"compensation_amount", "home_email"})


@dataclass(frozen=True)
class PlannedWrite:
    """One external write a reconcile would make. `ref` is the issue it creates or touches."""

    op: str  # create | update | transition | request | comment | note | packet | resolve
    recipe: str
    key: str
    target: str
    ref: str | None
    summary: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "recipe": self.recipe,
            "key": self.key,
            "target": self.target,
            "ref": self.ref,
            "summary": self.summary,
            **self.detail,
        }


def is_placeholder(key: str | None) -> bool:
    return bool(key) and "-NEW" in str(key)


class DryLedger:
    """A copy of a subject's ledger that planned writes are recorded in instead of being made."""

    def __init__(
        self, effects: Mapping[tuple[str, str], EffectRecord], *, browse_urls: Mapping[str, str]
    ) -> None:
        self.effects: dict[tuple[str, str], EffectRecord] = dict(effects)
        self.browse_urls = browse_urls  # Jira connection → site base URL
        self._created = 0

    def rows(self, recipe: str) -> dict[str, EffectRecord]:
        return {key: record for (name, key), record in self.effects.items() if name == recipe}

    def _placeholder(self, prefix: str, connection: str) -> tuple[str, str]:
        self._created += 1
        key = f"{prefix.upper()}-NEW{self._created}"
        return key, f"{self.browse_urls.get(connection, '').rstrip('/')}/browse/{key}"

    def _record(self, recipe: str, key: str, **values: Any) -> None:
        old = self.effects.get((recipe, key))
        if old is not None:
            self.effects[(recipe, key)] = replace(old, state="done", **values)
        else:
            self.effects[(recipe, key)] = EffectRecord(
                recipe=recipe, key=key, marker="", state="done", **values
            )

    def apply(self, actions: Sequence[Action]) -> list[PlannedWrite]:
        """The writes `actions` stand for; the ledger then looks as it would after they succeeded."""
        # The executor creates issues first (in bulk), then does the rest in order.
        ordered = [a for a in actions if isinstance(a, CreateIssue)]
        ordered += [a for a in actions if not isinstance(a, CreateIssue)]
        return [self._one(action) for action in ordered]

    def _one(self, action: Action) -> PlannedWrite:
        if isinstance(action, CreateIssue):
            return self._create_issue(action)
        if isinstance(action, UpdateIssue):
            return self._update_issue(action)
        if isinstance(action, TransitionIssue):
            return self._transition(action)
        if isinstance(action, CreateRequest):
            return self._create_request(action)
        if isinstance(action, PostNote):
            want = action.desired
            self._record(want.recipe, want.key, kind="lever_note", target=f"lever:{want.connection}")
            detail = {"text": want.text, "secret": want.secret, "perform_as": want.perform_as}
            return PlannedWrite(
                "note", want.recipe, want.key, f"lever:{want.connection}", None, want.text, detail
            )
        if isinstance(action, AddComment):
            want = action.desired
            target = f"jira:{want.connection}"
            self._record(
                want.recipe, want.key, kind="jira_comment", target=target, external_key=want.issue_key
            )
            return PlannedWrite(
                "comment", want.recipe, want.key, target, want.issue_key, want.text, {"text": want.text}
            )
        if isinstance(action, PreparePacket | WithdrawPacket):
            return self._packet(action)
        if isinstance(action, CheckOffer):
            want = action.desired
            target = "lever"  # the subject's own connection
            self._record(want.recipe, want.key, kind="lever_note", target=target, content_hash=want.digest)
            what = "check the offer against Justworks' rules and lists; note what to fix on Lever"
            return PlannedWrite("note", want.recipe, want.key, target, None, what, {"secret": want.secret})
        return self._resolve(action)

    def _create_issue(self, action: CreateIssue) -> PlannedWrite:
        want, content = action.desired, action.desired.content
        assert content is not None
        parent = None
        if want.parent_key:
            record = self.effects.get((want.recipe, want.parent_key))
            parent = record.external_key if record is not None else None
        key, url = self._placeholder(content.project or "ISSUE", want.connection)
        target = f"jira:{want.connection}"
        self._record(
            want.recipe,
            want.key,
            kind="jira_issue",
            target=target,
            external_id=key,
            external_key=key,
            external_url=url,
            status="",
            content_hash=want.digest,
        )
        detail = {
            "project": content.project,
            "issue_type": content.issue_type,
            "parent": parent,
            "assignee": content.assignee_email,
            "labels": list(content.labels),
            "priority": content.priority,
            "due_date": content.due_date,
            "fields": dict(content.fields),
            "remote_link": content.remote_link[0] if content.remote_link else None,
        }
        return PlannedWrite("create", want.recipe, want.key, target, key, content.summary, detail)

    def _update_issue(self, action: UpdateIssue) -> PlannedWrite:
        want, record, content = action.desired, action.record, action.desired.content
        assert content is not None
        self._record(want.recipe, want.key, content_hash=want.digest)
        detail = {
            "assignee": content.assignee_email,
            "labels": list(content.labels),
            "priority": content.priority,
            "due_date": content.due_date,
            "fields": dict(content.fields),
        }
        target = f"jira:{want.connection}"
        return PlannedWrite(
            "update", want.recipe, want.key, target, record.external_key, content.summary, detail
        )

    def _transition(self, action: TransitionIssue) -> PlannedWrite:
        want, record = action.desired, action.record
        self._record(want.recipe, want.key, status=want.status)
        closing = isinstance(want, DesiredIssue | DesiredRequest) and want.content is None
        detail = {
            "from": record.status or None,
            "to": want.status,
            "comment": want.comment,
            "closing": closing,
        }
        summary = f"→ {want.status}"
        if not record.status and is_placeholder(record.external_key):
            # Just created: no write at all if the workflow already starts in that status.
            summary += " (unless the workflow starts there)"
        target = f"jira:{want.connection}"
        return PlannedWrite("transition", want.recipe, want.key, target, record.external_key, summary, detail)

    def _create_request(self, action: CreateRequest) -> PlannedWrite:
        want, content = action.desired, action.desired.content
        assert content is not None
        key, url = self._placeholder(content.service_desk, want.connection)
        target = f"jira:{want.connection}"
        self._record(
            want.recipe,
            want.key,
            kind="jsm_request",
            target=target,
            external_key=key,
            external_url=url,
            status="",
            content_hash=content.digest,
        )
        detail = {
            "service_desk": content.service_desk,
            "request_type": content.request_type,
            "fields": dict(content.fields),
        }
        return PlannedWrite("request", want.recipe, want.key, target, key, content.summary, detail)

    def _packet(self, action: PreparePacket | WithdrawPacket) -> PlannedWrite:
        want = action.desired
        target = f"justworks:{want.connection}"
        if isinstance(action, WithdrawPacket):
            self._record(want.recipe, want.key, status="withdrawn")
            return PlannedWrite("packet", want.recipe, want.key, target, None, "withdraw the new-hire packet")
        self._record(want.recipe, want.key, kind="justworks_packet", target=target, content_hash=want.digest)
        shown = {
            name: "(hidden)" if name in HIDDEN_PACKET_FIELDS else value
            for name, value in (want.fields or {}).items()
        }
        verb = "update" if action.record is not None else "prepare"
        return PlannedWrite(
            "packet",
            want.recipe,
            want.key,
            target,
            None,
            f"{verb} the new-hire packet for review",
            {"fields": shown},
        )

    def _resolve(self, action: ResolvePending) -> PlannedWrite:
        record = action.record
        # Assume it landed: the executor either finds its marker or forgets it and writes it next run.
        self._record(record.recipe, record.key)
        return PlannedWrite(
            "resolve",
            record.recipe,
            record.key,
            record.target,
            record.external_key,
            f"find marker {record.marker} of a write whose outcome is unknown before writing it again",
        )
