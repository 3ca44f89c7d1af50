"""Config of the candidate data lifecycle: what an erasure does to what a recipe wrote elsewhere, and
how long hirebridge keeps what it stores."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErasurePolicy(_Strict):
    """When a candidate is erased (deleted in Lever, or `hirebridge forget`), the Jira issues and
    requests the recipe made are left as they are, redacted to a neutral text, or closed with a
    comment (and redacted). Done once per issue, recorded in the ledger like every other write."""

    jira: Literal["leave", "redact", "close"] = Field(
        default="redact", description="leave | redact (summary and description) | close (redact, then close)."
    )
    summary: str = Field(default="Candidate data erased", max_length=255)
    description: str = Field(default="The candidate's data was erased from the recruiting system.")
    close_status: str = Field(default="Cancelled", description="The status `close` moves the issue to.")
    comment: str = Field(default="Closed: the candidate's data was erased.")


class Retention(_Strict):
    """How long hirebridge keeps what it stores about candidates; a periodic job removes the rest."""

    inbox_days: float = Field(
        default=30, gt=0, description="Received webhooks (Lever reruns deliveries of the last two weeks)."
    )
    audit_detail_days: float = Field(default=90, gt=0, description="Timeline rows keep their details.")
    audit_days: float = Field(default=730, gt=0, description="Timeline rows are kept (erasures always).")
    finished_packet_days: float = Field(
        default=90, gt=0, description="Sent, declined or withdrawn Justworks packets keep their fields."
    )
    interval_seconds: float = Field(default=3600, ge=1, description="How often the retention job runs.")

    def windows(self) -> dict[str, float]:
        return {
            "inbox_days": self.inbox_days,
            "audit_detail_days": self.audit_detail_days,
            "audit_days": self.audit_days,
            "finished_packet_days": self.finished_packet_days,
        }
