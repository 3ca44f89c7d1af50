"""What one reconcile read of a subject: the value every recipe is evaluated against."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hirebridge.domain.effects import InboundItem
from hirebridge.domain.requisition import RequisitionSnapshot
from hirebridge.domain.snapshot import OpportunitySnapshot
from hirebridge.domain.subjects import Subject


@dataclass(frozen=True)
class Observed:
    """The subject as Lever has it now (`snapshot`, and its `view` for templates), the pipeline's
    stage order, what happened in Jira to the issues it has (`inbound`), and when it was read.
    `offers_read`: the fingerprint of the offers read (None: not read)."""

    subject: Subject
    snapshot: OpportunitySnapshot | RequisitionSnapshot
    view: Mapping[str, Any]
    stage_index: Mapping[str, int]
    now: datetime
    inbound: Sequence[InboundItem] = ()
    offers_read: str | None = None

    @property
    def profile_url(self) -> str:
        return self.snapshot.profile_url if isinstance(self.snapshot, OpportunitySnapshot) else ""
