"""store/jira_events.py: which subject a Jira issue belongs to, redeliveries, the registered webhook."""

from __future__ import annotations

from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.store import jira_events, ledger
from hirebridge.store.database import open_pool

ADA = Subject("main", "opportunity", "opp-ada")


async def test_an_issue_is_linked_to_its_subject_by_id_or_by_key(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        intent = {
            "recipe": "onboarding",
            "key": "epic",
            "effect_kind": "jira_issue",
            "target": "jira:main",
            "marker": effect_marker(ADA, "onboarding", "epic"),
            "status": None,
            "content_hash": None,
        }
        await ledger.record_intents(pool, ADA, [intent])
        async with pool.connection() as conn:
            assert await jira_events.linked_subject(conn, "main", issue_id="10001", issue_key=None) is None
        await ledger.record_done(
            pool, ADA, recipe="onboarding", key="epic", external_id="10001", external_key="ON-1"
        )
        async with pool.connection() as conn:
            by_id = await jira_events.linked_subject(conn, "main", issue_id="10001", issue_key="MOVED-9")
            by_key = await jira_events.linked_subject(conn, "main", issue_id=None, issue_key="ON-1")
            elsewhere = await jira_events.linked_subject(conn, "other", issue_id="10001", issue_key="ON-1")
    assert by_id == ADA and by_key == ADA and elsewhere is None


async def test_a_redelivery_is_stored_once(database_url: str) -> None:
    event = jira_events.JiraEvent("main", "delivery-1", "comment_created", "10001", "ON-1", "20001")
    async with open_pool(database_url, max_size=2) as pool, pool.connection() as conn:
        first = await jira_events.store_event(conn, event, ADA)
        again = await jira_events.store_event(conn, event, ADA)
        other = await jira_events.store_event(
            conn, jira_events.JiraEvent("main", "delivery-2", "x", None, None, None), ADA
        )
    assert (first, again, other) == (True, False, True)


async def test_the_registered_webhook_is_saved_replaced_and_forgotten(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        assert await jira_events.webhook(pool, "main") is None
        await jira_events.save_webhook(
            pool, "main", jira_events.JiraWebhook("1", "https://a/x", "s1", "acc-1")
        )
        await jira_events.save_webhook(pool, "main", jira_events.JiraWebhook("2", "https://b/x", "s2", None))
        assert await jira_events.webhook(pool, "main") == jira_events.JiraWebhook(
            "2", "https://b/x", "s2", None
        )
        await jira_events.forget_webhook(pool, "main")
        assert await jira_events.webhook(pool, "main") is None
