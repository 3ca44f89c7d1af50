"""What an erasure does outside hirebridge: per recipe, its Jira issues and requests are left, redacted
to a neutral text, or closed with a comment. Pure: the ledger in, the writes still owed out.

Each write is an effect of its own in the ledger (the issue's key + `ERASURE_SUFFIX`), so it happens
once: a crash between sending and recording it is harmless, since writing the neutral text again
changes nothing and a close finds the issue already in its status (no second comment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hirebridge.config.lifecycle import ErasurePolicy
from hirebridge.domain.effects import EffectRecord

ERASURE_SUFFIX = "~erasure"
ERASABLE_KINDS = frozenset({"jira_issue", "jsm_request"})


@dataclass(frozen=True)
class EraseIssue:
    """Redact (and, with `close`, close) the Jira issue of `record`."""

    record: EffectRecord
    key: str
    policy: ErasurePolicy

    @property
    def close(self) -> bool:
        return self.policy.jira == "close"


def erasure_key(key: str) -> str:
    return f"{key}{ERASURE_SUFFIX}"


def erasure_plan(
    policies: Mapping[str, ErasurePolicy], ledger: Mapping[tuple[str, str], EffectRecord]
) -> list[EraseIssue]:
    """The erasure writes still owed: one per issue made, unless its recipe says `leave`, it was
    never made (no external key), or its erasure was done (or parked with its reason)."""
    owed = []
    for (recipe, key), record in ledger.items():
        if record.kind not in ERASABLE_KINDS or record.external_key is None or key.endswith(ERASURE_SUFFIX):
            continue
        policy = policies.get(recipe, ErasurePolicy())
        if policy.jira == "leave":
            continue
        done = ledger.get((recipe, erasure_key(key)))
        if done is not None and done.state in ("done", "failed"):
            continue
        owed.append(EraseIssue(record, erasure_key(key), policy))
    return owed
