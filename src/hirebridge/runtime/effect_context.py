"""What every effect handler works with: the subject, the clients, and the ledger around each write
(an intent committed before it, the outcome after)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from psycopg_pool import AsyncConnectionPool

from hirebridge.connectors.errors import PermanentError
from hirebridge.connectors.jira import JiraClient
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.effects import Desired, EffectRecord
from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.runtime.packets import PacketsPort
from hirebridge.runtime.reference import LeverReference
from hirebridge.store import ledger

log = structlog.get_logger(__name__)


def with_marker(text: str, marker: str) -> str:
    return f"{text}\n\n(hirebridge ref {marker})"


@dataclass(frozen=True)
class EffectContext:
    pool: AsyncConnectionPool
    subject: Subject
    lever: LeverClient
    reference: LeverReference
    perform_as: str | None
    jira: Mapping[str, JiraClient]
    search_consistency: Mapping[str, float]
    packets: PacketsPort | None = None

    def marker(self, recipe: str, key: str) -> str:
        return effect_marker(self.subject, recipe, key)

    async def intend(self, *effects: Desired | EffectRecord, kind: str, target: str) -> str:
        """Commit the intents (one transaction) before the write; the marker of the first."""
        await ledger.record_intents(
            self.pool,
            self.subject,
            [
                {
                    "recipe": d.recipe,
                    "key": d.key,
                    "effect_kind": kind,
                    "target": target,
                    "marker": self.marker(d.recipe, d.key),
                    "status": None,
                    "content_hash": None,
                }
                for d in effects
            ],
        )
        return self.marker(effects[0].recipe, effects[0].key)

    async def done(
        self,
        effect: Desired | EffectRecord,
        external_id: str | None,
        external_key: str | None = None,
        external_url: str | None = None,
        *,
        status: str | None = None,
        content_hash: str | None = None,
    ) -> None:
        """The write landed: its outcome recorded (every column, so a value not given is cleared)."""
        await ledger.record_done(
            self.pool,
            self.subject,
            recipe=effect.recipe,
            key=effect.key,
            external_id=external_id,
            external_key=external_key,
            external_url=external_url,
            status=status,
            content_hash=content_hash,
        )

    async def kept(self, record: EffectRecord, *, status: str | None, content_hash: str | None) -> None:
        """A write to the record's own target landed: the same target, a new status or content."""
        await self.done(
            record,
            record.external_id,
            record.external_key,
            record.external_url,
            status=status,
            content_hash=content_hash,
        )

    async def park(self, effect: Desired | EffectRecord, error: PermanentError) -> None:
        await ledger.record_failed(
            self.pool, self.subject, recipe=effect.recipe, key=effect.key, error=error.message
        )
        log.warning("effect parked", subject=self.subject.id, key=effect.key, reason=error.summary)

    async def forget(self, record: EffectRecord) -> None:
        """A write whose intent was recorded never happened: forget it, so it is made again."""
        await ledger.forget_pending(self.pool, self.subject, recipe=record.recipe, key=record.key)

    async def audit(self, event: str, detail: dict[str, Any]) -> None:
        await ledger.audit(self.pool, self.subject, event, detail)
