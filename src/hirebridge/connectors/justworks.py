"""Justworks partner API: OAuth 2.0 client credentials, the company's lists, pending hires.

The read surface (`/oauth/token`, `/v1/company`, `/v1/members`) is Justworks' documented one. Justworks
documents no endpoint that creates a new hire; the pending-hire and admin endpoints used here are the
ones the simulator offers (docs/sims/justworks.md, "Pending hires and admins"), kept behind this one
module so that a real
equivalent replaces them in one place.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import httpx2

from hirebridge.config.justworks import JustworksConnection
from hirebridge.connectors.errors import ConnectorError, Unauthorized
from hirebridge.connectors.http import ServiceClient
from hirebridge.domain.packet import Directory, Member, Named

Json = dict[str, Any]
TOKEN_MARGIN_SECONDS = 60  # refresh a little before Justworks says the token expires


class ClientCredentials(httpx2.Auth):
    """Bearer tokens from `/oauth/token`; fetched when missing or expiring, and again after a 401."""

    def __init__(self, config: JustworksConnection) -> None:
        self.url = config.base_url.rstrip("/") + "/oauth/token"
        self.form = {
            "grant_type": "client_credentials",
            "client_id": config.client_id,
            "client_secret": config.client_secret.get_secret_value(),
        }
        self.token: str | None = None
        self.expires_at = 0.0

    def _token_request(self) -> httpx2.Request:
        return httpx2.Request("POST", self.url, data=self.form, headers={"Accept": "application/json"})

    async def _take(self, response: httpx2.Response) -> None:
        await response.aread()
        if response.status_code in (400, 401, 403):
            refused = f"Justworks refused the client credentials ({response.status_code})"
            raise Unauthorized(
                f"{refused}: {response.text[:200]}",
                service="justworks",
                status=response.status_code,
                summary=refused,
            )
        response.raise_for_status()
        body = response.json()
        self.token = str(body["access_token"])
        self.expires_at = time.monotonic() + float(body.get("expires_in") or 3600) - TOKEN_MARGIN_SECONDS

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        if self.token is None or time.monotonic() >= self.expires_at:
            await self._take((yield self._token_request()))
        request.headers["Authorization"] = f"Bearer {self.token}"
        response = yield request
        if response.status_code == 401:  # revoked or expired early: one fresh token, one more try
            await self._take((yield self._token_request()))
            request.headers["Authorization"] = f"Bearer {self.token}"
            yield request


def error_codes(exc: ConnectorError) -> list[Json]:
    """Justworks' `{"errors": [{field, code, message}]}` body of a refusal."""
    body = exc.body if isinstance(exc.body, dict) else {}
    return [e for e in body.get("errors") or () if isinstance(e, dict)]


class JustworksClient:
    def __init__(
        self, config: JustworksConnection, *, transport: httpx2.AsyncBaseTransport | None = None
    ) -> None:
        self.http = ServiceClient(
            service="justworks",
            base_url=config.base_url,
            auth=ClientCredentials(config),
            requests_per_second=5,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _pages(self, path: str, params: dict[str, Any] | None = None) -> AsyncIterator[Json]:
        cursor: str | None = None
        while True:
            query = {**(params or {}), "limit": 100, **({"cursor": cursor} if cursor else {})}
            body = (await self.http.request("GET", path, params=query)).json()
            for item in body.get("items") or ():
                yield item
            cursor = body.get("next_cursor")
            if not cursor:
                return

    async def directory(self) -> Directory:
        company = (await self.http.request("GET", "/v1/company")).json()
        members = [m async for m in self._pages("/v1/members")]
        return Directory(
            departments=tuple(Named(str(d["id"]), str(d["name"])) for d in company.get("departments") or ()),
            offices=tuple(Named(str(o["id"]), str(o["name"])) for o in company.get("offices") or ()),
            members=tuple(_member(m) for m in members),
        )

    async def employee_admins(self) -> list[Json]:
        """Admins holding "Manage employees": the people told about a hire."""
        admins = [a async for a in self._pages("/v1/admins", {"permission": "manage_employees"})]
        return [a for a in admins if "manage_employees" in (a.get("permissions") or ()) and a.get("email")]

    async def create_pending_hire(self, body: Json) -> Json:
        # A repeat for the same opportunity returns the existing record; an admin can simply retry.
        response = await self.http.request("POST", "/v1/pending-hires", json=body)
        return dict(response.json())

    async def pending_hire_for(self, opportunity_id: str) -> Json | None:
        async for item in self._pages("/v1/pending-hires", {"opportunity_id": opportunity_id}):
            return item
        return None

    async def invite(self, pending_hire_id: str, send_to: str) -> Json:
        response = await self.http.request(
            "POST", f"/v1/pending-hires/{pending_hire_id}/invite", json={"send_to": send_to}
        )
        return dict(response.json())


def _member(item: Json) -> Member:
    name = item.get("name") or {}
    full = name.get("full_preferred_name") or " ".join(
        p for p in (name.get("given_name"), name.get("family_name")) if p
    )
    emails = tuple(
        str(e.get("address")) for e in item.get("emails") or () if isinstance(e, dict) and e.get("address")
    )
    return Member(id=str(item["id"]), name=str(full), emails=emails, active=bool(item.get("active")))
