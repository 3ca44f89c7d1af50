"""The Justworks Partner API (public-api.justworks.com): OAuth authorization code, then reads only.

It reads the company (with its departments and offices) and its members; it creates no hires. Shapes
of nested objects differ between the available descriptions, so members are read defensively.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx2

from hirebridge.config.justworks import JustworksConnection
from hirebridge.connectors.http import ServiceClient
from hirebridge.domain.member_match import member_emails
from hirebridge.domain.packet import Directory, Member, Named

Json = dict[str, Any]
PAGE_SIZE = 100  # the most Justworks returns per page


class JustworksClient:
    def __init__(
        self,
        config: JustworksConnection,
        *,
        auth: httpx2.Auth | None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.http = ServiceClient(
            service="justworks",
            base_url=config.base_url,
            auth=auth,
            requests_per_second=config.requests_per_second,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _pages(self, path: str, params: dict[str, Any] | None = None) -> AsyncIterator[Json]:
        cursor: str | None = None
        while True:
            query = {**(params or {}), "limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
            body = (await self.http.request("GET", path, params=query)).json()
            for item in body.get("items") or ():
                if isinstance(item, dict):
                    yield item
            cursor = body.get("next_cursor")
            if not cursor:
                return

    async def company(self) -> Json:
        return dict((await self.http.request("GET", "/v1/company")).json())

    def members(self, *, updated_since: datetime | None = None) -> AsyncIterator[Json]:
        """Every member, or those updated at or after `updated_since` (Justworks' `updated_at_gte`)."""
        params = {"updated_at_gte": updated_since.isoformat()} if updated_since else None
        return self._pages("/v1/members", params)

    async def directory(self) -> Directory:
        company = await self.company()
        members = [m async for m in self.members()]
        return Directory(
            departments=tuple(_named(d) for d in company.get("departments") or () if isinstance(d, dict)),
            offices=tuple(_named(o) for o in company.get("offices") or () if isinstance(o, dict)),
            members=tuple(_member(m) for m in members if m.get("id")),
        )


def _named(item: Json) -> Named:
    return Named(str(item.get("id") or ""), str(item.get("name") or ""))


def _member(item: Json) -> Member:
    name = item.get("name") if isinstance(item.get("name"), dict) else {}
    full = name.get("full_preferred_name") or " ".join(
        p for p in (name.get("given_name"), name.get("family_name")) if p
    )
    return Member(
        id=str(item["id"]),
        name=str(full),
        emails=tuple(sorted(member_emails(item))),
        active=bool(item.get("active")),
    )
