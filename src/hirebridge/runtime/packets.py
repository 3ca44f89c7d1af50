"""U9: prepare a Justworks new-hire packet on hire, tell the admins, record their review, and notice
the person in Justworks.

Justworks' Partner API creates no hires: an admin opens the emailed review page, types the packet into
Justworks' "Add a person" form and invites the person there. A reconcile calls `prepare_packet` /
`withdraw_packet` (through the ledger, runtime/apply.py); the review page calls `correct`, `reviewed`
and `decline`; the members watch (runtime/justworks_watch.py) calls `joined` and `flagged`. A final
state is written onto the packet's effect and the subject is reconciled again, so the Lever note and
the recipe's Jira moves go out through the ledger like every other write: exactly once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog

from hirebridge.config.justworks import JustworksConnection
from hirebridge.config.models import Config
from hirebridge.connectors.justworks import JustworksClient
from hirebridge.domain.effects import DesiredPacket, EffectRecord
from hirebridge.domain.member_match import Match
from hirebridge.domain.packet import Directory, PacketCheck, check_packet, merged
from hirebridge.domain.subjects import Subject
from hirebridge.runtime import queue
from hirebridge.runtime.mailer import Mailer
from hirebridge.runtime.oauth_vault import justworks_oauth
from hirebridge.runtime.retry import RetryLater
from hirebridge.store import ledger, subjects
from hirebridge.store import packets as store

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

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


def full_name(row: Row) -> str:
    values = merged(row["source"], row["corrections"])
    return " ".join(p for p in (values["first_name"], values["last_name"]) if p)


class PacketsPort:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        connections: dict[str, JustworksConnection],
        clients: dict[str, JustworksClient],
        mailer: Mailer | None,
        public_url: str,
    ) -> None:
        self.pool = pool
        self.connections = connections
        self.clients = clients
        self.mailer = mailer
        self.public_url = public_url.rstrip("/")
        self._directories: dict[str, tuple[float, Directory]] = {}

    @classmethod
    def build(cls, config: Config, pool: AsyncConnectionPool) -> PacketsPort:
        return cls(
            pool,
            dict(config.justworks),
            {
                name: JustworksClient(c, auth=justworks_oauth(pool, name, c))
                for name, c in config.justworks.items()
            },
            Mailer(config.smtp) if config.smtp else None,
            config.service.public_url,
        )

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

    async def check_fields(self, connection: str, fields: dict[str, Any]) -> PacketCheck:
        """The offer's fields against what Justworks accepts (before the hire)."""
        source = {k: str(v) for k, v in fields.items()}
        return check_packet(merged(source, {}), await self.directory(connection))

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
        )
        if row is None:  # final: joined, or declined by an admin
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
            reviewed = row["status"] == "reviewed"
            await ledger.audit(
                self.pool, subject, "packet-withdrawn", {"packet": row["id"], "was_reviewed": reviewed}
            )
            await self.notify(withdrawn, "withdrawn", reviewed_by=row["reviewed_by"] if reviewed else None)

    # Emails ---------------------------------------------------------------------------------------

    async def notify(self, row: Row, kind: str, reviewed_by: str | None = None) -> None:
        """Tell the admins who manage employees, once per packet generation and kind."""
        if self.mailer is None:
            log.warning("no smtp settings: admins are not emailed about packets", packet=row["id"])
            return
        if kind == "hired":
            recipients = list(self.connections[row["justworks_connection"]].admins)
        else:
            recipients = await store.notified(self.pool, row)
        name = full_name(row) or "A candidate"
        for recipient in recipients:
            if await store.email_sent(self.pool, row, kind, recipient):
                continue
            if kind == "hired":
                token = secrets.token_urlsafe(32)
                await store.add_link(self.pool, row["id"], recipient, token)
                text = _hired_text(name, row, f"{self.public_url}/review/packets/{token}")
                await self.mailer.send(recipient, HIRED_SUBJECT, text)
            else:
                await self.mailer.send(recipient, WITHDRAWN_SUBJECT, _withdrawn_text(name, reviewed_by))
            await store.record_email(self.pool, row, kind, recipient)
        if kind == "hired":
            await store.mark_notified(self.pool, row["id"])

    # Called by the review page --------------------------------------------------------------------

    async def by_link(self, token: str) -> Row | None:
        """The packet a review link's token opens (the review page), or None for an unknown token."""
        return await store.by_token(self.pool, token)

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

    async def reviewed(self, row: Row, admin: str) -> Row | None:
        """The admin entered the packet in Justworks' "Add a person" form; hirebridge now waits for
        the person to appear among Justworks' members."""
        check = await self.check(row, fresh=True)
        if not check.valid:
            await store.correct(self.pool, row["id"], row["corrections"], problems_json(check), "held")
            return await store.get(self.pool, row["id"])
        done = await store.mark_reviewed(self.pool, row["id"], admin)
        if done is not None and done["status"] == "reviewed":
            await self.settle(done, "reviewed")
        return done or await store.get(self.pool, row["id"])

    async def decline(self, row: Row, admin: str, reason: str | None) -> Row | None:
        declined = await store.decline(self.pool, row["id"], admin, reason)
        if declined is not None:
            await self.settle(declined, "declined")
        return declined

    # Called by the members watch ------------------------------------------------------------------

    async def matched(self, row: Row, found: Match) -> None:
        """A Justworks member is this packet's hire (`joined`), or only shares its name (flagged)."""
        if found.joined:
            joined = await store.join(self.pool, row["id"], found.member_id, found.by)
            if joined is not None:
                await self.settle(joined, "joined", found.by)
            return
        flag = (
            f"Justworks member {found.member_id} has this name but not its home email or start date: "
            "check whether it is this hire"
        )
        if await store.flag(self.pool, row["id"], found.member_id, flag) is not None:
            await ledger.audit(
                self.pool,
                store.subject_of(row),
                "packet-flagged",
                {"packet": row["id"], "member": found.member_id},
            )
            log.warning("justworks member matches a packet by name only", packet=row["id"])

    async def settle(self, row: Row, status: str, matched_by: str | None = None) -> None:
        """Record the packet's state on its effect and reconcile, so recipes follow it (a Lever note
        once, the onboarding work in Jira as the recipe says)."""
        subject = store.subject_of(row)
        await store.set_effect_status(self.pool, row, status, row["id"], matched_by)
        await ledger.audit(self.pool, subject, f"packet-{status}", {"packet": row["id"]})
        async with self.pool.connection() as conn, conn.transaction():
            await subjects.bump(conn, subject)
            await queue.defer_reconcile(subject, connection=conn)
        log.info("packet settled", subject=subject.id, packet=row["id"], status=status)


def _hired_text(name: str, row: Row, link: str) -> str:
    problems = row["problems"] or []
    state = (
        f"It is held: {len(problems)} field(s) need a correction before you add the person."
        if problems
        else "It is complete."
    )
    return (
        f"{name} has been marked hired in Lever.\n\n"
        f"hirebridge prepared the Justworks new-hire packet. {state}\n\n"
        "Open it, then add the person in Justworks (Add a person) as it shows, field by field, and send "
        f"the invitation there:\n{link}\n\n"
        "This link is yours alone; do not forward it.\n"
    )


def _withdrawn_text(name: str, reviewed_by: str | None) -> str:
    if reviewed_by:
        return (
            f"{name} is no longer marked hired in Lever, so the Justworks new-hire packet was withdrawn.\n"
            f"{reviewed_by} had already marked it as entered in Justworks: remove the person there, or "
            "do not send the invitation if it was not sent yet.\n"
        )
    return (
        f"{name} is no longer marked hired in Lever, so the Justworks new-hire packet was withdrawn.\n"
        "Do not add this person in Justworks. The earlier review link shows the withdrawal.\n"
    )
