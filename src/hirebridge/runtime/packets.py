"""U9: prepare a Justworks new-hire packet on hire, tell the admins, and carry out their review.

A reconcile calls `prepare_packet` / `withdraw_packet` (through the ledger, runtime/apply.py); the
review page calls `correct`, `send` and `decline`. An admin's decision is written onto the packet's
effect and the subject is reconciled again, so the Lever note of the outcome goes out through the
ledger like every other write: exactly once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog

from hirebridge.config.justworks import JustworksPacketAction
from hirebridge.connectors.justworks import JustworksClient
from hirebridge.domain.effects import DesiredPacket, EffectRecord
from hirebridge.domain.packet import Directory, PacketCheck, check_packet, merged
from hirebridge.domain.subjects import Subject
from hirebridge.runtime import queue
from hirebridge.runtime.mailer import Mailer
from hirebridge.runtime.packet_send import send_packet
from hirebridge.runtime.retry import RetryLater
from hirebridge.store import ledger, subjects
from hirebridge.store import packets as store

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

    from hirebridge.runtime.service import Service

log = structlog.get_logger(__name__)
HIRED_SUBJECT = "A candidate has been hired in Lever!"
WITHDRAWN_SUBJECT = "A hire was withdrawn in Lever"
DIRECTORY_TTL_SECONDS = 60.0
Row = dict[str, Any]


@dataclass(frozen=True)
class PacketResult:
    packet_id: str
    status: str


def problems_json(check: PacketCheck) -> list[dict[str, str]]:
    return [{"field": p.field, "message": p.message} for p in check.problems]


class PacketsPort:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        clients: dict[str, JustworksClient],
        mailer: Mailer | None,
        public_url: str,
        actions: dict[tuple[str, str], JustworksPacketAction],
    ) -> None:
        self.pool = pool
        self.clients = clients
        self.mailer = mailer
        self.public_url = public_url.rstrip("/")
        self.actions = actions
        self._directories: dict[str, tuple[float, Directory]] = {}

    @classmethod
    def build(cls, service: Service) -> PacketsPort:
        config = service.config
        actions = {
            (recipe.name, action.id): action.justworks_packet
            for recipe in config.recipes
            for action in recipe.actions
            if action.justworks_packet is not None
        }
        port = cls(
            service.pool,
            {name: JustworksClient(c) for name, c in config.justworks.items()},
            Mailer(config.smtp) if config.smtp else None,
            config.service.public_url,
            actions,
        )
        service.extras["packets"] = port
        return port

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def directory(self, connection: str, *, fresh: bool = False) -> Directory:
        cached = self._directories.get(connection)
        if cached and not fresh and time.monotonic() - cached[0] < DIRECTORY_TTL_SECONDS:
            return cached[1]
        directory = await self.clients[connection].directory()
        self._directories[connection] = (time.monotonic(), directory)
        return directory

    def _invite(self, recipe: str, key: str) -> bool:
        action = self.actions.get((recipe, key))
        return action.invite if action else True

    # Called by reconciles -------------------------------------------------------------------------

    async def prepare_packet(
        self, subject: Subject, desired: DesiredPacket, record: EffectRecord | None
    ) -> PacketResult:
        source = {k: str(v) for k, v in (desired.fields or {}).items()}
        existing = await store.for_effect(self.pool, subject, desired.recipe, desired.key)
        corrections = existing["corrections"] if existing else {}
        check = check_packet(merged(source, corrections), await self.directory(desired.connection))
        row = await store.upsert(
            self.pool,
            subject,
            packet_id=existing["id"] if existing else f"pkt_{secrets.token_hex(8)}",
            recipe=desired.recipe,
            key=desired.key,
            justworks=desired.connection,
            status="awaiting_review" if check.valid else "held",
            source=source,
            problems=problems_json(check),
            invite=self._invite(desired.recipe, desired.key),
        )
        if row is None:  # an admin already sent or declined it
            assert existing is not None
            return PacketResult(existing["id"], existing["status"])
        if row["status"] == "held":
            fields = sorted({p.field for p in check.problems})
            await ledger.audit(self.pool, subject, "packet-held", {"packet": row["id"], "fields": fields})
        log.info("packet prepared", subject=subject.id, packet=row["id"], status=row["status"])
        await self.notify(row, "hired")
        return PacketResult(row["id"], row["status"])

    async def withdraw_packet(self, subject: Subject, record: EffectRecord) -> None:
        row = await store.for_effect(self.pool, subject, record.recipe, record.key)
        if row is None:
            return
        if row["status"] == "sending":
            raise RetryLater(
                "an admin is sending this packet right now", at=datetime.now(UTC) + timedelta(seconds=15)
            )
        withdrawn = await store.withdraw(self.pool, row["id"])
        if withdrawn is not None:
            await ledger.audit(self.pool, subject, "packet-withdrawn", {"packet": row["id"]})
            await self.notify(withdrawn, "withdrawn")

    # Emails ---------------------------------------------------------------------------------------

    async def notify(self, row: Row, kind: str) -> None:
        """Tell the admins who manage employees, once per packet generation and kind."""
        if self.mailer is None:
            log.warning("no smtp settings: admins are not emailed about packets", packet=row["id"])
            return
        if kind == "hired":
            admins = await self.clients[row["justworks_connection"]].employee_admins()
            recipients = [str(a["email"]) for a in admins]
        else:
            recipients = await store.notified(self.pool, row)
        name = " ".join(
            p
            for p in (merged(row["source"], row["corrections"])[k] for k in ("first_name", "last_name"))
            if p
        )
        for recipient in recipients:
            if await store.email_sent(self.pool, row, kind, recipient):
                continue
            if kind == "hired":
                token = secrets.token_urlsafe(32)
                await store.add_link(self.pool, row["id"], recipient, token)
                text = _hired_text(name or "A candidate", row, f"{self.public_url}/review/packets/{token}")
                await self.mailer.send(recipient, HIRED_SUBJECT, text)
            else:
                await self.mailer.send(recipient, WITHDRAWN_SUBJECT, _withdrawn_text(name or "a candidate"))
            await store.record_email(self.pool, row, kind, recipient)

    # Called by the review page --------------------------------------------------------------------

    async def check(self, row: Row, *, fresh: bool = False) -> PacketCheck:
        directory = await self.directory(row["justworks_connection"], fresh=fresh)
        return check_packet(merged(row["source"], row["corrections"]), directory)

    async def correct(self, row: Row, values: dict[str, str]) -> Row | None:
        source = merged(row["source"], {})
        corrections = {
            k: v.strip() for k, v in merged(row["source"], values).items() if v.strip() != source[k]
        }
        directory = await self.directory(row["justworks_connection"], fresh=True)
        check = check_packet(merged(row["source"], corrections), directory)
        status = "awaiting_review" if check.valid else "held"
        return await store.correct(self.pool, row["id"], corrections, problems_json(check), status)

    async def send(self, row: Row, admin: str) -> Row | None:
        """Create the pending hire (and invite) in Justworks; a repeat or a double click is harmless."""
        outcome = await send_packet(self, row, admin)
        if outcome is not None and outcome["status"] == "sent":
            await self.decided(outcome, "sent", outcome["pending_hire_id"])
        return outcome

    async def decline(self, row: Row, admin: str, reason: str | None) -> Row | None:
        declined = await store.decline(self.pool, row["id"], admin, reason)
        if declined is not None:
            await self.decided(declined, "declined", None)
        return declined

    async def decided(self, row: Row, status: str, external_id: str | None) -> None:
        """Make the decision final in the ledger and reconcile, which notes it on Lever once."""
        subject = store.subject_of(row)
        await store.set_effect_status(self.pool, row, status, external_id)
        await ledger.audit(self.pool, subject, f"packet-{status}", {"packet": row["id"]})
        async with self.pool.connection() as conn, conn.transaction():
            await subjects.bump(conn, subject)
            await queue.defer_reconcile(subject, connection=conn)
        log.info("packet decided", subject=subject.id, packet=row["id"], status=status)


def _hired_text(name: str, row: Row, link: str) -> str:
    problems = row["problems"] or []
    state = (
        f"It is held: {len(problems)} field(s) need a correction before it can be sent."
        if problems
        else "It is complete and waits for your review."
    )
    return (
        f"{name} has been marked hired in Lever.\n\n"
        f"hirebridge prepared the Justworks new-hire packet. {state}\n\n"
        f"Review it, correct it if needed, then send it to Justworks or decline it:\n{link}\n\n"
        "This link is yours alone; do not forward it.\n"
    )


def _withdrawn_text(name: str) -> str:
    return (
        f"{name} is no longer marked hired in Lever, so the Justworks new-hire packet was withdrawn.\n"
        "Nothing was sent to Justworks. The earlier review link no longer allows sending.\n"
    )
