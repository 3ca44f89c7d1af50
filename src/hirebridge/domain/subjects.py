"""What hirebridge reconciles: a Lever subject, and the deterministic marker of each effect on it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Subject:
    connection: str
    kind: str
    id: str

    @property
    def lock(self) -> str:
        """The queue lock: one reconcile of a subject at a time, in order."""
        return f"lever:{self.connection}:{self.kind}:{self.id}"


def effect_marker(subject: Subject, recipe: str, key: str) -> str:
    """A marker written with every external effect, so a crash between sending and recording it can
    be resolved by finding the marker instead of writing again. Short, no spaces (it is a Jira label)."""
    digest = hashlib.sha256(f"{subject.connection}|{subject.kind}|{subject.id}|{recipe}|{key}".encode())
    return f"hb-{digest.hexdigest()[:20]}"


_WRITTEN_MARKER = re.compile(r"\(hirebridge ref hb-[0-9a-f]{20}\)")


def carries_marker(text: str) -> bool:
    """Whether a text (a Jira comment, a Lever note) is one hirebridge wrote: every comment and note it
    posts ends with `(hirebridge ref <marker>)`, so reading it back never echoes it (no loops)."""
    return _WRITTEN_MARKER.search(text) is not None


# Lever's ids are UUIDs (its built-in stages aside, which are never subjects); Jira's issue and comment
# ids are numbers and its keys PROJECT-123. An id of another shape never reaches a URL or the store.
_LEVER_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_JIRA_ID = re.compile(r"[0-9]{1,18}")
_JIRA_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}-[0-9]{1,18}")


def is_lever_id(value: object) -> bool:
    return isinstance(value, str) and _LEVER_ID.fullmatch(value) is not None


def is_jira_id(value: object) -> bool:
    return isinstance(value, str) and _JIRA_ID.fullmatch(value) is not None


def is_jira_key(value: object) -> bool:
    return isinstance(value, str) and _JIRA_KEY.fullmatch(value) is not None
