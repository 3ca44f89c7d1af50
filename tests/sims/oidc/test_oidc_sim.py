"""The OpenID Connect provider simulator holds the client to the rules its manual cites: exact
redirect URIs, PKCE S256, single-use codes, one way of client authentication."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx2
import jwt
import pytest

from hirebridge.domain.oidc import AuthRequest, authorization_url, verify_signature
from hirebridge.sims.oidc import create_app

ISSUER = "http://127.0.0.1:8104"
CALLBACK = "http://127.0.0.1:8100/console/oidc/callback"
CLIENT = ("sim-oidc-client", "sim-oidc-secret")


@pytest.fixture
async def provider() -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=create_app(ISSUER, redirect_uris=[CALLBACK]))
    async with httpx2.AsyncClient(transport=transport, base_url=ISSUER) as client:
        yield client


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def code_for(provider: httpx2.AsyncClient, request: AuthRequest, email: str = "ada@example.com") -> str:
    url = authorization_url(
        f"{ISSUER}/authorize",
        client_id=CLIENT[0],
        redirect_uri=CALLBACK,
        scopes=["openid", "email"],
        request=request,
    )
    form = {**query(url), "email": email, "password": "sim-password", "decision": "allow"}
    back = await provider.post("/authorize", data=form)
    assert back.status_code == 302
    answer = query(back.headers["location"])
    assert answer["state"] == request.state and answer["iss"] == ISSUER
    return answer["code"]


def exchange(request: AuthRequest, code: str, **changes: str) -> dict[str, str]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": request.code_verifier,
    }
    return {**form, **changes}


async def test_discovery_and_a_signed_id_token(provider: httpx2.AsyncClient) -> None:
    discovery = (await provider.get("/.well-known/openid-configuration")).json()
    assert discovery["issuer"] == ISSUER and discovery["code_challenge_methods_supported"] == ["S256"]
    request = AuthRequest.fresh()
    code = await code_for(provider, request)
    answer = await provider.post("/token", data=exchange(request, code), auth=CLIENT)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    claims = verify_signature(body["id_token"], (await provider.get("/jwks")).json())
    assert claims["nonce"] == request.nonce and claims["aud"] == CLIENT[0] and claims["iss"] == ISSUER
    assert claims["email"] == "ada@example.com" and claims["email_verified"] is True
    info = await provider.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert info.json()["sub"] == claims["sub"]


async def test_an_unregistered_redirect_uri_is_never_redirected_to(provider: httpx2.AsyncClient) -> None:
    request = AuthRequest.fresh()
    url = authorization_url(
        f"{ISSUER}/authorize",
        client_id=CLIENT[0],
        redirect_uri="https://evil.example/cb",
        scopes=["openid"],
        request=request,
    )
    answer = await provider.get(url)
    assert answer.status_code == 400 and "location" not in answer.headers
    assert "not registered" in answer.text


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": ""}, "invalid_request"),
        ({"scope": "email"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
async def test_bad_requests_go_back_with_an_error(provider: httpx2.AsyncClient, changes, error) -> None:
    request = AuthRequest.fresh()
    url = authorization_url(
        f"{ISSUER}/authorize", client_id=CLIENT[0], redirect_uri=CALLBACK, scopes=["openid"], request=request
    )
    answer = await provider.get("/authorize", params={**query(url), **changes})
    assert answer.status_code == 302
    back = query(answer.headers["location"])
    assert back["error"] == error and back["state"] == request.state


async def test_codes_are_single_use_and_bound_to_the_verifier(provider: httpx2.AsyncClient) -> None:
    request = AuthRequest.fresh()
    code = await code_for(provider, request)
    wrong = await provider.post("/token", data=exchange(request, code, code_verifier="x" * 43), auth=CLIENT)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    spent = await provider.post("/token", data=exchange(request, code), auth=CLIENT)
    assert spent.json()["error"] == "invalid_grant"  # the failed attempt spent the code

    request = AuthRequest.fresh()
    code = await code_for(provider, request)
    first = await provider.post("/token", data=exchange(request, code), auth=CLIENT)
    token = first.json()["access_token"]
    again = await provider.post("/token", data=exchange(request, code), auth=CLIENT)
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "the authorization code was already used",
    }
    revoked = await provider.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401


async def test_client_authentication(provider: httpx2.AsyncClient) -> None:
    request = AuthRequest.fresh()
    code = await code_for(provider, request)
    both = exchange(request, code, client_id=CLIENT[0], client_secret=CLIENT[1])
    assert (await provider.post("/token", data=both, auth=CLIENT)).json()["error"] == "invalid_request"
    wrong = await provider.post("/token", data=exchange(request, code), auth=(CLIENT[0], "nope"))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Basic")
    posted = await provider.post("/token", data=both)
    assert posted.status_code == 200
    header = jwt.get_unverified_header(posted.json()["id_token"])
    assert header["alg"] == "RS256" and header["kid"]


async def test_wrong_password_shows_the_form_again(provider: httpx2.AsyncClient) -> None:
    request = AuthRequest.fresh()
    url = authorization_url(
        f"{ISSUER}/authorize", client_id=CLIENT[0], redirect_uri=CALLBACK, scopes=["openid"], request=request
    )
    answer = await provider.post(
        "/authorize", data={**query(url), "email": "ada@example.com", "password": "x"}
    )
    assert answer.status_code == 401 and "Wrong email or password" in answer.text
