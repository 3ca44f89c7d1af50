"""Lever OAuth tokens in the store: sealed at rest, one refresh across processes, refusal kept."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs

import httpx2
import psycopg
import pytest

from hirebridge.config.models import LeverOAuth as Settings
from hirebridge.config.secret_key import TokenCipher
from hirebridge.connectors.errors import GrantRefused
from hirebridge.connectors.oauth import BearerOAuth, TokenSet
from hirebridge.runtime.oauth_vault import StoredTokenVault
from hirebridge.store import connection_state
from hirebridge.store.database import open_pool

SETTINGS = Settings(client_id="c", client_secret="s", auth_url="https://auth.example")
CIPHER = TokenCipher(["a secret key"])


class RotatingLever:
    """Each refresh token works once; a spent one presented again is refused."""

    def __init__(self) -> None:
        self.refresh, self.refreshes = "r0", 0

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/oauth/token":
            await asyncio.sleep(0.05)  # long enough for the other workers to pile up behind the lock
            if parse_qs(request.content.decode())["refresh_token"] != [self.refresh]:
                return httpx2.Response(403, json={"error": "invalid_grant"})
            self.refreshes += 1
            # Dots: never part of a sealed (base64) value, so the checks below cannot match by chance.
            self.refresh = f"r.{self.refreshes}"
            body = {"access_token": f"a.{self.refreshes}", "refresh_token": self.refresh, "expires_in": 3600}
            return httpx2.Response(200, json=body)
        return httpx2.Response(200, json={"data": []})


async def test_tokens_are_sealed_and_one_refresh_serves_every_process(database_url: str) -> None:
    lever = RotatingLever()
    async with open_pool(database_url, max_size=8) as pool:
        await StoredTokenVault(pool, "main", CIPHER).connect(TokenSet("a0", "r0", time.time() + 10, "s"))
        # Three vaults stand for three worker processes, each with its own cache and client.
        clients = [
            httpx2.AsyncClient(
                transport=httpx2.MockTransport(lever),
                auth=BearerOAuth(SETTINGS, StoredTokenVault(pool, "main", CIPHER)),
            )
            for _ in range(3)
        ]
        answers = await asyncio.gather(*(c.get("https://api.example/v1/users") for c in clients * 3))
        for client in clients:
            await client.aclose()
    assert [a.status_code for a in answers] == [200] * 9
    assert lever.refreshes == 1
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT access_token, refresh_token, refreshes FROM oauth_tokens").fetchone()
    assert row is not None and "a.1" not in row[0] and "r.1" not in row[1] and row[2] == 1
    assert (CIPHER.decrypt(row[0]), CIPHER.decrypt(row[1])) == ("a.1", "r.1")


async def test_a_refused_grant_is_kept_so_calls_fail_fast_until_connected_again(database_url: str) -> None:
    lever = RotatingLever()
    lever.refresh = "rotated elsewhere"
    async with open_pool(database_url, max_size=4) as pool:
        vault = StoredTokenVault(pool, "main", CIPHER)
        await vault.connect(TokenSet("a0", "r0", time.time() - 1, "s"))
        auth = BearerOAuth(SETTINGS, vault)
        async with httpx2.AsyncClient(transport=httpx2.MockTransport(lever), auth=auth) as client:
            with pytest.raises(GrantRefused, match="connections connect main"):
                await client.get("https://api.example/v1/users")
            other = BearerOAuth(SETTINGS, StoredTokenVault(pool, "main", CIPHER))
            with pytest.raises(GrantRefused):
                await client.get("https://api.example/v1/users", auth=other)
        await vault.connect(TokenSet("a9", "r9", time.time() + 3600, "s"))
        assert (await StoredTokenVault(pool, "main", CIPHER).current()) is not None


async def test_disconnected_connections_are_remembered(database_url: str) -> None:
    async with open_pool(database_url, max_size=2) as pool:
        assert await connection_state.disconnected(pool, "lever") == set()
        await connection_state.set_disconnected(pool, "lever", "main", True)
        await connection_state.set_disconnected(pool, "lever", "other", False)
        assert await connection_state.disconnected(pool, "lever") == {"main"}
        await connection_state.set_disconnected(pool, "lever", "main", False)
        assert await connection_state.disconnected(pool, "lever") == set()
