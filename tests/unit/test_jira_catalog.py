"""Jira's field catalog and account lookups are read once, however many reconciles ask at once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx2

from hirebridge.config.models import JiraConnection
from hirebridge.connectors.jira import JiraClient


async def test_a_cold_cache_is_filled_by_one_request() -> None:
    calls: Counter[str] = Counter()

    async def jira(request: httpx2.Request) -> httpx2.Response:
        calls[request.url.path] += 1
        await asyncio.sleep(0.01)  # every caller arrives while the first read is in flight
        if request.url.path == "/rest/api/3/field":
            return httpx2.Response(200, json=[{"id": "customfield_10011", "name": "Epic Name"}])
        return httpx2.Response(200, json=[{"accountId": "acc-1", "emailAddress": "ivy@example.com"}])

    config = JiraConnection(base_url="https://jira.example", email="a@example.com", api_token="t")
    client = JiraClient(config, transport=httpx2.MockTransport(jira))
    try:
        fields = await asyncio.gather(*(client.fields() for _ in range(16)))
        accounts = await asyncio.gather(*(client.account_id("Ivy@example.com") for _ in range(16)))
    finally:
        await client.aclose()
    assert all(f["epic name"]["id"] == "customfield_10011" for f in fields)
    assert accounts == ["acc-1"] * 16
    assert calls == {"/rest/api/3/field": 1, "/rest/api/3/user/search": 1}
