"""Lever OAuth: the authorize address, token answers, the cipher, and the refresh flow against a mock."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from hirebridge.config.models import LeverOAuth as Settings
from hirebridge.config.secret_key import SecretKeyMissing, SecretKeyWrong, TokenCipher
from hirebridge.connectors.errors import GrantRefused, NotConnected, ServiceUnavailable, Unauthorized
from hirebridge.connectors.oauth import (
    BearerOAuth,
    TokenSet,
    authorize_url,
    code_request,
    read_token_response,
    refresh_request,
)

SETTINGS = Settings(client_id="client-1", client_secret="s3cret", auth_url="https://auth.example/")


def test_authorize_url_asks_for_a_code_with_state_audience_and_offline_access() -> None:
    url = authorize_url(SETTINGS, redirect_uri="https://hb.example/cb", state="st")
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://auth.example/authorize"
    assert query["response_type"] == "code"
    assert query["state"] == "st" and query["redirect_uri"] == "https://hb.example/cb"
    assert query["audience"] == "https://api.lever.co/v1/"
    assert "offline_access" in query["scope"].split() and "webhooks:write:admin" in query["scope"].split()


def test_token_requests_carry_the_client_and_the_grant() -> None:
    code = parse_qs(code_request(SETTINGS, code="c1", redirect_uri="https://r").content.decode())
    assert code["grant_type"] == ["authorization_code"] and code["code"] == ["c1"]
    assert code["client_secret"] == ["s3cret"] and code["redirect_uri"] == ["https://r"]
    refresh = refresh_request(SETTINGS, "r1")
    assert str(refresh.url) == "https://auth.example/oauth/token"
    assert parse_qs(refresh.content.decode())["refresh_token"] == ["r1"]


def _answer(status: int, body: object) -> httpx2.Response:
    return httpx2.Response(
        status, json=body, request=httpx2.Request("POST", "https://auth.example/oauth/token")
    )


def test_a_token_answer_keeps_the_old_refresh_token_when_none_is_returned() -> None:
    previous = TokenSet("a0", "r0", 0, "notes:write:admin")
    answer = _answer(200, {"access_token": "a1", "expires_in": 3600})
    fresh = read_token_response(SETTINGS, answer, connection="main", previous=previous, now=100)
    assert fresh == TokenSet("a1", "r0", 3700, "notes:write:admin")
    rotated = read_token_response(
        SETTINGS,
        _answer(200, {"access_token": "a2", "refresh_token": "r2", "expires_in": 60, "scope": "x"}),
        connection="main",
        now=0,
    )
    assert rotated.refresh_token == "r2" and rotated.expiring(0)  # 60 s is inside the margin


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (403, {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."},
         GrantRefused, "connections connect main"),
        (401, {"error": "access_denied"}, Unauthorized, "oauth.client_secret"),
        (503, {}, ServiceUnavailable, ""),
    ],
)  # fmt: skip
def test_refused_answers_say_what_to_do(status: int, body: object, error: type, words: str) -> None:
    with pytest.raises(error) as raised:
        read_token_response(SETTINGS, _answer(status, body), connection="main")
    assert words in str(raised.value)


def test_cipher_round_trip_rotation_and_wrong_key() -> None:
    old = TokenCipher(["old key"])
    sealed = old.encrypt("a.token")  # a dot is never part of a sealed value: no match by chance
    assert "a.token" not in sealed
    assert TokenCipher(["new key", "old key"]).decrypt(sealed) == "a.token"
    with pytest.raises(SecretKeyWrong):
        TokenCipher(["another key"]).decrypt(sealed)
    with pytest.raises(SecretKeyMissing):
        TokenCipher.from_env({"HIREBRIDGE_SECRET_KEY": " , "})


def test_unseal_refuses_forged_and_old_state() -> None:
    cipher = TokenCipher(["k"])
    state = cipher.encrypt(json.dumps({"connection": "main"}))
    assert json.loads(cipher.unseal(state, ttl=600) or "") == {"connection": "main"}
    assert cipher.unseal(state[:-4] + "AAAA", ttl=600) is None
    assert TokenCipher(["other"]).unseal(state, ttl=600) is None


class MemoryVault:
    connection = "main"

    def __init__(self, tokens: TokenSet | None) -> None:
        self.tokens = tokens
        self.leases = 0
        self.lock = asyncio.Lock()

    async def current(self) -> TokenSet | None:
        return self.tokens

    @asynccontextmanager
    async def lease(self) -> AsyncIterator[MemoryVault]:
        async with self.lock:
            self.leases += 1
            yield self

    async def save(self, tokens: TokenSet) -> None:
        self.tokens = tokens


class Lever:
    """Accepts one access token at a time; each refresh spends the refresh token and rotates it."""

    def __init__(self, access: str, refresh: str) -> None:
        self.access, self.refresh = access, refresh
        self.refreshes = 0
        self.bearers: list[str] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/oauth/token":
            form = parse_qs(request.content.decode())
            if form["refresh_token"] != [self.refresh]:
                return _answer(403, {"error": "invalid_grant"})
            self.refreshes += 1
            self.access, self.refresh = f"a{self.refreshes}", f"r{self.refreshes}"
            body = {"access_token": self.access, "refresh_token": self.refresh, "expires_in": 3600}
            return _answer(200, body)
        bearer = request.headers["Authorization"].removeprefix("Bearer ")
        self.bearers.append(bearer)
        return _answer(200, {"data": []}) if bearer == self.access else _answer(401, {"code": "Unauthorized"})


async def _get(lever: Lever, vault: MemoryVault, times: int = 1) -> list[int]:
    auth = BearerOAuth(SETTINGS, vault)
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(lever), auth=auth) as client:
        answers = await asyncio.gather(*(client.get("https://api.example/v1/users") for _ in range(times)))
    return [a.status_code for a in answers]


def test_a_valid_token_is_used_without_refreshing() -> None:
    lever, vault = Lever("a0", "r0"), MemoryVault(TokenSet("a0", "r0", time.time() + 3600, ""))
    assert asyncio.run(_get(lever, vault)) == [200]
    assert lever.refreshes == 0 and vault.leases == 0 and lever.bearers == ["a0"]


def test_an_expiring_token_is_refreshed_once_for_many_concurrent_requests() -> None:
    lever, vault = Lever("a0", "r0"), MemoryVault(TokenSet("a0", "r0", time.time() + 30, ""))
    assert asyncio.run(_get(lever, vault, times=5)) == [200] * 5
    assert lever.refreshes == 1 and vault.tokens is not None and vault.tokens.refresh_token == "r1"


def test_a_401_forces_one_refresh_and_one_retry() -> None:
    lever, vault = Lever("revoked-early", "r0"), MemoryVault(TokenSet("a0", "r0", time.time() + 3600, ""))
    assert asyncio.run(_get(lever, vault)) == [200]
    assert lever.bearers == ["a0", "a1"] and lever.refreshes == 1


def test_a_refused_refresh_token_raises_grant_refused() -> None:
    lever, vault = Lever("a0", "spent"), MemoryVault(TokenSet("a0", "r0", time.time() - 1, ""))
    with pytest.raises(GrantRefused):
        asyncio.run(_get(lever, vault))


def test_no_tokens_means_not_connected() -> None:
    with pytest.raises(NotConnected, match="connections connect main"):
        asyncio.run(_get(Lever("a0", "r0"), MemoryVault(None)))
