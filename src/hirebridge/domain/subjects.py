"""What hirebridge reconciles: a Lever subject, and the deterministic marker of each effect on it."""

from __future__ import annotations

import hashlib
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
