"""Retention removes what is past its window and nothing else; erasure records stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg

from hirebridge.config.lifecycle import Retention
from hirebridge.runtime.retention import retention_due, windows
from hirebridge.store import lifecycle
from hirebridge.store.database import open_pool

NOW = datetime(2027, 6, 1, tzinfo=UTC)
WINDOWS = windows(Retention(inbox_days=30, audit_detail_days=90, audit_days=730, finished_packet_days=90))


def _seed(conn: psycopg.Connection) -> None:
    """Rows at ages just inside and just outside each window (in days before NOW)."""
    for age, tag in ((29, "young"), (31, "old")):
        at = NOW - timedelta(days=age)
        conn.execute(
            "INSERT INTO inbox (source, connection, dedupe_key, event, subject_kind, subject_id, payload,"
            " received_at) VALUES ('lever', 'main', %s, 'candidateStageChange', 'opportunity', 'o1',"
            " '{\"data\": {}}', %s)",
            (tag, at),
        )
        conn.execute(
            "INSERT INTO jira_events (connection, identifier, event, lever_connection, subject_kind,"
            " subject_id, received_at)"
            " VALUES ('main', %s, 'comment_created', 'main', 'opportunity', 'o1', %s)",
            (tag, at),
        )
    for age, tag in ((89, "detailed"), (91, "redacted"), (729, "kept"), (731, "deleted")):
        conn.execute(
            "INSERT INTO audit (connection, subject_kind, subject_id, at, action, detail)"
            " VALUES ('main', 'opportunity', 'o1', %s, 'reconciled', %s)",
            (NOW - timedelta(days=age), f'{{"tag": "{tag}"}}'),
        )
    conn.execute(
        "INSERT INTO audit (connection, subject_kind, subject_id, at, action, detail)"
        " VALUES ('main', 'opportunity', 'o0', %s, 'erased', '{\"by\": \"dpo\"}')",
        (NOW - timedelta(days=2000),),
    )
    for age, token in ((731, b"stale"), (729, b"fresh")):  # the name index, last refreshed that long ago
        conn.execute(
            "INSERT INTO subject_names (connection, kind, id, token, written_at)"
            " VALUES ('main', 'opportunity', 'o1', %s, %s)",
            (token, NOW - timedelta(days=age)),
        )
    flag = "Justworks member m-namesake has this name but not its home email or start date"
    packets = [
        ("p-sent-old", "sent", 91, None, None),
        ("p-declined-old", "declined", 120, "m-namesake", flag),  # flagged, then declined
        ("p-joined-old", "joined", 100, "m-joined", None),
        ("p-withdrawn-young", "withdrawn", 89, None, None),
        ("p-open-old", "awaiting_review", 400, None, None),
    ]
    for packet_id, status, age, member, flagged in packets:
        conn.execute(
            "INSERT INTO packets (id, lever_connection, subject_kind, subject_id, recipe, key,"
            " justworks_connection, status, source, updated_at, member_id, match_flag)"
            " VALUES (%s, 'main', 'opportunity', %s, 'justworks', 'packet', 'main', %s,"
            ' \'{"first_name": "Ada"}\', %s, %s, %s)',
            (packet_id, packet_id, status, NOW - timedelta(days=age), member, flagged),
        )
        conn.execute(
            "INSERT INTO packet_links (token_hash, packet_id, admin_email)"
            " VALUES (%s, %s, 'paula@example.com')",
            (f"hash-{packet_id}", packet_id),
        )
        conn.execute(
            "INSERT INTO packet_emails (packet_id, generation, kind, recipient)"
            " VALUES (%s, 1, 'hired', 'paula@example.com')",
            (packet_id,),
        )


async def test_retention_removes_what_is_past_its_window_and_nothing_else(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        _seed(conn)
    async with open_pool(database_url, max_size=2) as pool:
        # Small batches: the loop over batches is what a long backlog goes through.
        done = await lifecycle.apply_retention(pool, WINDOWS, NOW, batch=1)
        again = await lifecycle.apply_retention(pool, WINDOWS, NOW, batch=1)
    assert done == {
        "inbox_deleted": 1,
        "jira_events_deleted": 1,
        "audit_deleted": 1,
        "audit_redacted": 2,  # 91 and 729 days old
        "names_deleted": 1,
        "packets_redacted": 3,
    }
    assert set(again.values()) == {0}
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT dedupe_key FROM inbox").fetchall() == [("young",)]
        assert conn.execute("SELECT identifier FROM jira_events").fetchall() == [("young",)]
        assert conn.execute("SELECT token FROM subject_names").fetchall() == [(b"fresh",)]

        rows = conn.execute("SELECT action, detail FROM audit ORDER BY at").fetchall()
        assert rows == [
            ("erased", {"by": "dpo"}),
            ("reconciled", {}),
            ("reconciled", {}),
            ("reconciled", {"tag": "detailed"}),
        ]

        packets = dict(conn.execute("SELECT id, source FROM packets").fetchall())
        assert packets == {
            "p-sent-old": {},
            "p-declined-old": {},
            "p-joined-old": {},
            "p-withdrawn-young": {"first_name": "Ada"},
            "p-open-old": {"first_name": "Ada"},  # still to be reviewed: not finished
        }
        linked = {r[0] for r in conn.execute("SELECT packet_id FROM packet_links").fetchall()}
        emailed = {r[0] for r in conn.execute("SELECT packet_id FROM packet_emails").fetchall()}
        assert linked == emailed == {"p-withdrawn-young", "p-open-old"}
        # The member a joined packet matched stays (an id); a flag and the namesake it points at go.
        members = conn.execute("SELECT id, member_id, match_flag FROM packets WHERE member_id IS NOT NULL")
        assert members.fetchall() == [("p-joined-old", "m-joined", None)]


async def test_the_periodic_run_takes_its_turn_once_per_interval(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        first = await retention_due(pool, Retention(interval_seconds=3600))
        second = await retention_due(pool, Retention(interval_seconds=3600))
    assert first is not None and set(first.values()) == {0}
    assert second is None  # not due for another hour
