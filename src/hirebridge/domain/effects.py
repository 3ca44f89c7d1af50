"""Effects: what the recipes want to exist outside hirebridge, and what the ledger says exists."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

EffectState = Literal["pending", "done", "failed"]


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class IssueContent:
    project: str
    issue_type: str
    summary: str
    description: dict[str, Any] | None
    assignee_email: str | None
    labels: tuple[str, ...]
    priority: str | None = None
    due_date: str | None = None
    fields: tuple[tuple[str, Any], ...] = ()
    remote_link: tuple[str, str] | None = None

    @property
    def digest(self) -> str:
        return digest(asdict(self))

    def owned_only(self, owned: tuple[str, ...] | None) -> IssueContent:
        """The content hirebridge keeps in step after creating the issue (`owned` in the recipe; None:
        all of it); the other fields emptied, so an update leaves what people wrote there."""
        if owned is None:
            return self
        fields = tuple((k, v) for k, v in self.fields if "fields" in owned or f"fields.{k}" in owned)
        return replace(
            self,
            summary=self.summary if "summary" in owned else "",
            description=self.description if "description" in owned else None,
            assignee_email=self.assignee_email if "assignee" in owned else None,
            priority=self.priority if "priority" in owned else None,
            due_date=self.due_date if "due_date" in owned else None,
            fields=fields,
        )


@dataclass(frozen=True)
class DesiredIssue:
    """A Jira issue that should exist. `content` None means: close it (its recipe no longer applies);
    `status` is the status to keep it in (None: whatever the workflow gives it)."""

    recipe: str
    key: str
    connection: str
    status: str | None
    content: IssueContent | None = None
    parent_key: str | None = None
    comment: str | None = None
    owned: tuple[str, ...] | None = None

    @property
    def digest(self) -> str:
        """Of the owned content: what changing makes an update (a field left to people does not)."""
        assert self.content is not None
        return self.content.owned_only(self.owned).digest


@dataclass(frozen=True)
class RequestContent:
    service_desk: str
    request_type: str
    summary: str
    description: str | None
    fields: tuple[tuple[str, Any], ...] = ()

    @property
    def digest(self) -> str:
        return digest(asdict(self))


@dataclass(frozen=True)
class DesiredRequest:
    """A Jira Service Management request; `content` None means: close it with `status`."""

    recipe: str
    key: str
    connection: str
    status: str | None
    content: RequestContent | None = None
    comment: str | None = None


@dataclass(frozen=True)
class DesiredNote:
    """A Lever note that should have been posted once."""

    recipe: str
    key: str
    connection: str
    text: str
    secret: bool = False
    perform_as: str | None = None


@dataclass(frozen=True)
class DesiredComment:
    """A comment on an issue hirebridge made (a reminder), posted once."""

    recipe: str
    key: str
    connection: str
    issue_key: str
    text: str


@dataclass(frozen=True)
class DesiredPacket:
    """A Justworks new-hire packet to prepare for review; `fields` None means: withdraw it."""

    recipe: str
    key: str
    connection: str
    fields: dict[str, Any] | None

    @property
    def digest(self) -> str:
        return digest(self.fields)


@dataclass(frozen=True)
class DesiredOfferCheck:
    """The offer checked against what Justworks accepts, before the hire; the recruiter is told in one
    Lever note on the subject (`connection` is the Justworks connection whose lists are used)."""

    recipe: str
    key: str
    connection: str
    fields: dict[str, Any]
    secret: bool = True

    @property
    def digest(self) -> str:
        return digest(self.fields)


Desired = DesiredIssue | DesiredRequest | DesiredNote | DesiredComment | DesiredPacket | DesiredOfferCheck


@dataclass(frozen=True)
class EffectRecord:
    """One ledger row: an external write hirebridge intended, and what came of it."""

    recipe: str
    key: str
    kind: str
    target: str
    marker: str
    state: EffectState
    external_id: str | None = None
    external_key: str | None = None
    external_url: str | None = None
    status: str | None = None
    content_hash: str | None = None
    attempts: int = 0
    last_error: str | None = None
    intent_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ref:
    """How a template of a later action refers to an effect that is done: `refs.epic.url`."""

    id: str
    key: str
    url: str
    status: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "key": self.key, "url": self.url, "status": self.status}


def refs_from(ledger: dict[str, EffectRecord]) -> dict[str, Ref]:
    return {
        key: Ref(
            id=record.external_id or "",
            key=record.external_key or "",
            url=record.external_url or "",
            status=record.status or "",
        )
        for key, record in ledger.items()
        if record.state == "done"
    }


@dataclass(frozen=True)
class InboundItem:
    """Something that happened in Jira to an issue hirebridge made: a comment, or a resolution."""

    kind: Literal["comment", "resolved"]
    id: str
    issue_key: str
    author: str = ""
    text: str = ""
    status: str = ""
