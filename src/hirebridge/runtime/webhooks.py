"""Lever webhooks that hirebridge registers for itself, one per event, each with its own token.

Lever returns a webhook's signature token only when it is created (Lever's API documentation,
"Webhooks via the API": https://hire.lever.co/developer/documentation), so a webhook
whose token we do not hold is deleted and created again; restarts never pile up duplicates. The same
pass, run on a schedule (the sweep's `webhooks` stream), creates again a webhook deleted in Lever.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.connectors.lever import LeverClient
from hirebridge.store import lever_webhooks
from hirebridge.store.lever_webhooks import RegisteredWebhook

if TYPE_CHECKING:
    from hirebridge.runtime.service import Service

LEVER_EVENTS = ("candidateStageChange", "candidateArchiveChange", "candidateHired", "candidateDeleted")
# Interviews do not move an opportunity's updatedAt (Lever's documentation lists the fields that do),
# so the sweep cannot see them:
# their own webhooks are the only prompt a recipe reading interviews gets.
INTERVIEW_EVENTS = ("interviewCreated", "interviewUpdated", "interviewDeleted")


@dataclass
class WebhookPass:
    """What one pass found and did."""

    kept: dict[str, RegisteredWebhook] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    deleted: int = 0


def events_for(config: Config, connection: str) -> tuple[str, ...]:
    """The Lever events the recipes of `connection` need."""
    reads_interviews = any(
        recipe.lever == connection
        and any(g.split(".")[0] in ("interviews", "interviewers") for g in recipe.allow)
        for recipe in config.recipes
    )
    return LEVER_EVENTS + (INTERVIEW_EVENTS if reads_interviews else ())


def webhook_url(public_url: str, connection: str) -> str:
    return f"{public_url.rstrip('/')}/webhooks/lever/{connection}"


async def ensure_lever_webhooks(
    pool: AsyncConnectionPool,
    client: LeverClient,
    *,
    connection: str,
    url: str,
    events: tuple[str, ...] = LEVER_EVENTS,
) -> WebhookPass:
    """Exactly one webhook of ours per event in `events`, at `url`, with its token stored."""
    done = WebhookPass()
    async with pool.connection() as conn, conn.transaction():
        await lever_webhooks.lock_registration(conn)
        stored = await lever_webhooks.registered(pool, connection)
        # Ours: at our address, or registered by us at an address we had before (public_url changed).
        known = {hook.webhook_id for hook in stored.values()}
        live = [h for h in await client.webhooks() if h.get("url") == url or str(h["id"]) in known]
        for event in events:
            mine = stored.get(event)
            candidates = [hook for hook in live if hook.get("event") == event]
            keep = next(
                (
                    h
                    for h in candidates
                    if mine and str(h["id"]) == mine.webhook_id and mine.url == url and h.get("url") == url
                ),
                None,
            )
            extra = [h["id"] for h in candidates if h is not keep]
            await asyncio.gather(*(client.delete_webhook(i) for i in extra))
            done.deleted += len(extra)
            if keep is not None and mine is not None:
                done.kept[event] = mine
                continue
            created = await client.create_webhook(url, event)
            hook = RegisteredWebhook(
                event=event,
                webhook_id=str(created["id"]),
                url=url,
                signature_token=str(created["configuration"]["signatureToken"]),
            )
            await lever_webhooks.save(pool, connection, hook)
            done.kept[event] = hook
            done.created.append(event)
        # Ours (by URL) for an event no recipe needs any more: Lever would keep sending it.
        unneeded = [h["id"] for h in live if h.get("event") not in events]
        await asyncio.gather(*(client.delete_webhook(i) for i in unneeded))
        done.deleted += len(unneeded)
        for event in stored.keys() - set(events):
            await lever_webhooks.forget(pool, connection, event)
    return done


async def remove_lever_webhooks(
    pool: AsyncConnectionPool, client: LeverClient, *, connection: str, url: str
) -> int:
    """Delete every webhook of ours (at `url`, or one we registered) and forget their tokens."""
    async with pool.connection() as conn, conn.transaction():
        await lever_webhooks.lock_registration(conn)
        stored = await lever_webhooks.registered(pool, connection)
        ids = {hook.webhook_id for hook in stored.values()}
        ours = [h["id"] for h in await client.webhooks() if h.get("url") == url or str(h["id"]) in ids]
        await asyncio.gather(*(client.delete_webhook(i) for i in ours))
        for event in stored:
            await lever_webhooks.forget(pool, connection, event)
    return len(ours)


async def repair_lever_webhooks(service: Service, connection: str) -> WebhookPass:
    """The scheduled pass: creates again what was deleted in Lever, drops what piled up."""
    return await ensure_lever_webhooks(
        service.pool,
        service.lever[connection].client,
        connection=connection,
        url=webhook_url(service.config.service.public_url, connection),
        events=events_for(service.config, connection),
    )
