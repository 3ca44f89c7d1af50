"""store/packets.py on PostgreSQL: a packet's life from prepared to final, its review links and emails."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.store import ledger, packets
from hirebridge.store.database import open_pool

ADA = Subject("main", "opportunity", "opp-ada")
SOURCE = {"first_name": "Ada", "home_email": "ada@example.net"}


async def prepare(pool: AsyncConnectionPool, subject: Subject = ADA, **changes: Any) -> dict[str, Any] | None:
    fields: dict[str, Any] = {
        "packet_id": f"pkt_{subject.id}",
        "recipe": "justworks",
        "key": "packet",
        "justworks": "justworks:main",
        "status": "awaiting_review",
        "source": SOURCE,
        "problems": [],
        **changes,
    }
    return await packets.upsert(pool, subject, **fields)


async def test_a_packet_is_prepared_found_by_effect_and_by_review_link(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        row = await prepare(pool, status="held", problems=[{"field": "start_date", "problem": "missing"}])
        assert row is not None and row["status"] == "held" and row["generation"] == 1
        assert (await packets.for_effect(pool, ADA, "justworks", "packet"))["id"] == row["id"]  # type: ignore[index]
        assert await packets.for_effect(pool, ADA, "justworks", "other") is None
        assert (await packets.get(pool, row["id"]))["source"] == SOURCE  # type: ignore[index]

        corrected = await packets.correct(
            pool, row["id"], {"start_date": "2027-01-04"}, [], "awaiting_review"
        )
        assert corrected is not None and corrected["status"] == "awaiting_review"
        assert corrected["corrections"] == {"start_date": "2027-01-04"}
        # Lever's data again: the correction stays, the status is what the new check says.
        again = await prepare(pool)
        assert again is not None and again["corrections"] == {"start_date": "2027-01-04"}

        await packets.add_link(pool, row["id"], "paula@example.com", "token-one")
        await packets.add_link(pool, row["id"], "paula@example.com", "token-two")  # a new link replaces it
        assert await packets.by_token(pool, "token-one") is None
        linked = await packets.by_token(pool, "token-two")
        assert (
            linked is not None and linked["id"] == row["id"] and linked["link_admin"] == "paula@example.com"
        )
        assert await packets.awaited(pool, "justworks:main") == [await packets.get(pool, row["id"])]
        assert await packets.awaited(pool, "justworks:other") == []


async def test_emails_are_recorded_once_per_generation_and_a_withdrawal_starts_a_new_one(
    database_url: str,
) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        row = await prepare(pool)
        assert row is not None
        assert not await packets.email_sent(pool, row, "hired", "paula@example.com")
        await packets.record_email(pool, row, "hired", "paula@example.com")
        await packets.record_email(pool, row, "hired", "paula@example.com")
        await packets.record_email(pool, row, "hired", "rita@example.com")
        await packets.mark_notified(pool, row["id"])
        assert await packets.email_sent(pool, row, "hired", "paula@example.com")
        assert sorted(await packets.notified(pool, row)) == ["paula@example.com", "rita@example.com"]
        notified = await packets.get(pool, row["id"])
        assert notified is not None and notified["notified_at"] is not None

        withdrawn = await packets.withdraw(pool, row["id"])
        assert withdrawn is not None and withdrawn["status"] == "withdrawn"
        assert await packets.withdraw(pool, row["id"]) is None  # once
        back = await prepare(pool)  # hired again in Lever
        assert back is not None and back["generation"] == 2 and back["notified_at"] is None
        assert not await packets.email_sent(pool, back, "hired", "paula@example.com")
        assert await packets.notified(pool, back) == []

        async with pool.connection() as conn:
            [held] = await packets.of_subject(conn, ADA)
        assert [link for link in held["review_links"]] == []
        assert sorted((e["generation"], e["recipient"]) for e in held["emails"]) == [
            (1, "paula@example.com"),
            (1, "rita@example.com"),
        ]


async def test_review_join_and_decline_are_final_and_recorded_on_the_effect(database_url: str) -> None:
    bea = Subject("main", "opportunity", "opp-bea")
    async with open_pool(database_url, max_size=2) as pool:
        row = await prepare(pool)
        assert row is not None
        reviewed = await packets.mark_reviewed(pool, row["id"], "paula@example.com")
        assert reviewed is not None and reviewed["status"] == "reviewed"
        assert await packets.mark_reviewed(pool, row["id"], "rita@example.com") is None
        assert (await prepare(pool))["status"] == "reviewed"  # type: ignore[index]  # same Lever data

        flagged = await packets.flag(pool, row["id"], "mem-1", "name matches, email differs")
        assert flagged is not None and flagged["match_flag"] == "name matches, email differs"
        assert await packets.flag(pool, row["id"], "mem-1", "name matches, email differs") is None
        joined = await packets.join(pool, row["id"], "mem-1", "name")
        assert joined is not None and joined["status"] == "joined" and joined["match_flag"] is None
        assert await prepare(pool) is None  # final: Lever's later changes leave it alone
        assert await packets.awaited(pool, "justworks:main") == []

        other = await prepare(pool, bea)
        assert other is not None
        declined = await packets.decline(pool, other["id"], "rita@example.com", "a duplicate")
        assert (
            declined is not None
            and declined["status"] == "declined"
            and declined["decline_reason"] == "a duplicate"
        )
        assert await packets.decline(pool, other["id"], "rita@example.com", None) is None
        assert await packets.withdraw(pool, other["id"]) is None

        marker = effect_marker(ADA, "justworks", "packet")
        await ledger.record_intents(
            pool, ADA, [{"recipe": "justworks", "key": "packet", "effect_kind": "justworks_packet",
                         "target": "justworks:main", "marker": marker, "status": None, "content_hash": None}]
        )  # fmt: skip
        await packets.set_effect_status(pool, joined, "joined", "mem-1", matched_by="name")
        [effect] = (await ledger.effects_of(pool, ADA)).values()
        assert (effect.status, effect.external_id, effect.external_key) == ("joined", "mem-1", "name")
