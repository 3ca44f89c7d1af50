"""Lever Data API v1: the reads a reconcile needs, notes, and the webhooks API.

https://hire.lever.co/developer/documentation — one `data` envelope; lists page with opaque `offset`
tokens (`hasNext`/`next`); 10 requests/s per key with bursts of 20.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2

from hirebridge.config.models import LeverConnection
from hirebridge.connectors.errors import NotFound
from hirebridge.connectors.http import RequestLimiter, ServiceClient

Json = dict[str, Any]


class LeverClient:
    def __init__(
        self,
        config: LeverConnection,
        *,
        auth: httpx2.Auth | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        limiter: RequestLimiter | None = None,
    ) -> None:
        """`auth` is given for an OAuth connection (runtime/oauth_vault.py); else the API key is used.
        `limiter`: the account's budget shared with other processes (runtime/budget.py); by default
        a bucket of this process alone."""
        if auth is None and config.api_key is None:
            raise ValueError("a Lever connection without api_key needs its OAuth auth")
        self.http = ServiceClient(
            service="lever",
            base_url=config.base_url.rstrip("/") + "/v1",
            auth=auth or (config.api_key.get_secret_value(), ""),  # type: ignore[union-attr]
            requests_per_second=config.requests_per_second,
            burst=config.burst,
            transport=transport,
            limiter=limiter,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _data(self, path: str, params: Any = None) -> Any:
        return (await self.http.request("GET", path, params=params)).json()["data"]

    async def _pages(self, path: str, params: list[tuple[str, Any]] | None = None) -> AsyncIterator[Json]:
        offset: str | None = None
        while True:
            query = [*(params or []), ("limit", 100)] + ([("offset", offset)] if offset else [])
            body = (await self.http.request("GET", path, params=query)).json()
            for item in body["data"]:
                yield item
            offset = body.get("next")
            if not body.get("hasNext") or not offset:
                return

    async def opportunity(self, opportunity_id: str) -> Json:
        return await self._data(f"/opportunities/{opportunity_id}", [("expand", "applications")])

    async def stages(self) -> list[Json]:
        return [stage async for stage in self._pages("/stages")]

    async def archive_reasons(self) -> list[Json]:
        return [reason async for reason in self._pages("/archive_reasons")]

    async def users(self) -> list[Json]:
        return [user async for user in self._pages("/users")]

    async def posting(self, posting_id: str) -> Json:
        return await self._data(f"/postings/{posting_id}")

    async def offers(self, opportunity_id: str) -> list[Json]:
        return [offer async for offer in self._pages(f"/opportunities/{opportunity_id}/offers")]

    async def interviews(self, opportunity_id: str) -> list[Json]:
        return [i async for i in self._pages(f"/opportunities/{opportunity_id}/interviews")]

    async def requisition(self, requisition_id: str) -> Json:
        return await self._data(f"/requisitions/{requisition_id}")

    async def requisitions(self) -> list[Json]:
        return [r async for r in self._pages("/requisitions")]

    def opportunities(self, params: list[tuple[str, Any]] | None = None) -> AsyncIterator[Json]:
        """Every opportunity matching Lever's list filters (`stage_id`, `archived`, …), page by page."""
        return self._pages("/opportunities", params)

    def deleted_opportunities(self, since_ms: int | None) -> AsyncIterator[Json]:
        """Deleted opportunities (`{id, deletedAt, deletedBy}`), since `since_ms` if given."""
        return self._pages("/opportunities/deleted", [("deleted_at_start", since_ms)] if since_ms else None)

    def notes(self, opportunity_id: str) -> AsyncIterator[Json]:
        return self._pages(f"/opportunities/{opportunity_id}/notes")

    async def add_note(self, opportunity_id: str, text: str, *, secret: bool, perform_as: str | None) -> Json:
        params = [("perform_as", perform_as)] if perform_as else None
        response = await self.http.request(
            "POST",
            f"/opportunities/{opportunity_id}/notes",
            params=params,
            json={"value": text, "secret": secret},
        )
        return response.json()["data"]

    async def update_note(self, opportunity_id: str, note_id: str, text: str) -> None:
        """Replace the text of a note hirebridge posted (Lever lets the API edit only notes it made;
        the PUT replaces the whole note; https://hire.lever.co/developer/documentation, "Update a
        note")."""
        path = f"/opportunities/{opportunity_id}/notes/{note_id}"
        await self.http.request("PUT", path, json={"values": [{"value": text}]})

    async def webhooks(self) -> list[Json]:
        return [hook async for hook in self._pages("/webhooks")]

    async def create_webhook(self, url: str, event: str) -> Json:
        response = await self.http.request("POST", "/webhooks", json={"url": url, "event": event})
        body = response.json()["data"]
        # The documented example wraps the webhook twice ({"data": {"data": ...}}); real answers once.
        return body.get("data", body) if "id" not in body else body

    async def delete_webhook(self, webhook_id: str) -> None:
        try:
            await self.http.request("DELETE", f"/webhooks/{webhook_id}")
        except NotFound:
            return  # already gone: what a delete wanted
