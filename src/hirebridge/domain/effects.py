"""Effects: what the recipes want to exist outside hirebridge, and what the ledger says exists."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Phase = Literal["open", "closed"]
EffectState = Literal["pending", "done", "failed"]


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

    @property
    def digest(self) -> str:
        payload = json.dumps(self.__dict__, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DesiredIssue:
    """A Jira issue that should exist, open or closed (closed after a reversal)."""

    recipe: str
    key: str
    connection: str
    phase: Phase
    status: str
    content: IssueContent | None = None
    parent_key: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class DesiredNote:
    """A Lever note that should have been posted once."""

    recipe: str
    key: str
    connection: str
    text: str
    secret: bool = False


Desired = DesiredIssue | DesiredNote


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
    phase: Phase | None = None
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

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "key": self.key, "url": self.url}


def refs_from(ledger: dict[str, EffectRecord]) -> dict[str, Ref]:
    return {
        key: Ref(id=record.external_id or "", key=record.external_key or "", url=record.external_url or "")
        for key, record in ledger.items()
        if record.state == "done"
    }
