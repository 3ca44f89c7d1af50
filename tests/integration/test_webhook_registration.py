"""The webhooks hirebridge keeps in Lever: one per event, never piled up, moved with the public URL."""

from __future__ import annotations

import itertools
from typing import Any

from hirebridge.runtime.webhooks import LEVER_EVENTS, ensure_lever_webhooks, remove_lever_webhooks
from hirebridge.store import lever_webhooks
from hirebridge.store.database import open_pool

URL, NEW_URL = "https://hb.example/webhooks/lever/main", "https://new.example/webhooks/lever/main"


class FakeLever:
    """Lever's /webhooks as its API behaves: a token only in the answer to a create."""

    def __init__(self) -> None:
        self.hooks: dict[str, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.creates = 0

    async def webhooks(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in h.items() if k != "configuration"} for h in self.hooks.values()]

    async def create_webhook(self, url: str, event: str) -> dict[str, Any]:
        self.creates += 1
        hook_id = f"w{next(self.ids)}"
        self.hooks[hook_id] = {"id": hook_id, "url": url, "event": event}
        return {**self.hooks[hook_id], "configuration": {"signatureToken": f"token-{hook_id}"}}

    async def delete_webhook(self, webhook_id: str) -> None:
        self.hooks.pop(webhook_id, None)

    def at(self, url: str) -> list[str]:
        return sorted(h["event"] for h in self.hooks.values() if h["url"] == url)


async def test_passes_create_once_repair_deletions_and_move_with_the_url(database_url: str) -> None:
    lever = FakeLever()
    lever.hooks["other"] = {"id": "other", "url": "https://someone.else/hook", "event": "candidateHired"}
    async with open_pool(database_url, max_size=4) as pool:

        async def ensure(url: str = URL) -> Any:
            return await ensure_lever_webhooks(pool, lever, connection="main", url=url)  # type: ignore[arg-type]

        first = await ensure()
        assert sorted(first.created) == sorted(LEVER_EVENTS) and lever.creates == 4
        again = await ensure()  # a restart
        assert again.created == [] and again.deleted == 0 and lever.creates == 4

        stage_change = first.kept["candidateStageChange"].webhook_id
        await lever.delete_webhook(stage_change)  # deleted by someone in Lever
        lever.hooks["dup"] = {"id": "dup", "url": URL, "event": "candidateHired"}  # made by hand
        repaired = await ensure()
        assert repaired.created == ["candidateStageChange"] and repaired.deleted == 1
        assert lever.at(URL) == sorted(LEVER_EVENTS)
        stored = await lever_webhooks.registered(pool, "main")
        assert (
            stored["candidateStageChange"].signature_token
            == f"token-{stored['candidateStageChange'].webhook_id}"
        )

        moved = await ensure(NEW_URL)  # public_url changed: the old ones go, not pile up
        assert sorted(moved.created) == sorted(LEVER_EVENTS) and moved.deleted == 4
        assert lever.at(URL) == [] and lever.at(NEW_URL) == sorted(LEVER_EVENTS)

        fewer = await ensure_lever_webhooks(
            pool,
            lever,  # type: ignore[arg-type]
            connection="main",
            url=NEW_URL,
            events=("candidateStageChange",),
        )
        assert fewer.created == [] and lever.at(NEW_URL) == ["candidateStageChange"]

        assert await remove_lever_webhooks(pool, lever, connection="main", url=NEW_URL) == 1  # type: ignore[arg-type]
        assert await lever_webhooks.registered(pool, "main") == {}
    assert list(lever.hooks) == ["other"]  # someone else's webhook is never touched


async def test_a_webhook_waits_for_its_first_delivery_again_once_made_anew(database_url: str) -> None:
    """Lever sends nothing for an API-made webhook until its event is turned on in Lever's settings:
    the store keeps whether each of our webhooks has delivered, per webhook (not per event)."""
    old = lever_webhooks.RegisteredWebhook("candidateHired", "w-1", URL, "token-1")
    async with open_pool(database_url, max_size=2) as pool:
        await lever_webhooks.save(pool, "main", old)
        assert await lever_webhooks.not_delivered(pool, "main") == ["candidateHired"]
        await lever_webhooks.mark_delivered(pool, "main", "candidateHired", "token-1")
        assert await lever_webhooks.not_delivered(pool, "main") == []
        await lever_webhooks.save(pool, "main", old)  # the same webhook saved again: still delivered
        assert await lever_webhooks.not_delivered(pool, "main") == []
        await lever_webhooks.save(
            pool, "main", lever_webhooks.RegisteredWebhook("candidateHired", "w-2", URL, "token-2")
        )
        assert await lever_webhooks.not_delivered(pool, "main") == ["candidateHired"]
        await lever_webhooks.mark_delivered(pool, "main", "candidateHired", "token-1")  # a late old event
        assert await lever_webhooks.not_delivered(pool, "main") == ["candidateHired"]
