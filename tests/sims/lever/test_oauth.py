"""The simulator's OAuth 2.0: authorize redirect, code exchange, 1-hour access tokens on the virtual
clock, rotating refresh tokens with reuse detection, refresh-token expiry, scopes enforced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from hirebridge.sims.lever import create_app
from hirebridge.sims.lever.company import ERIN, RITA
from hirebridge.sims.lever.oauth import DEFAULT_CLIENTS

CLIENT = DEFAULT_CLIENTS[0]
CALLBACK = "http://127.0.0.1:9/oauth/lever/callback"
SCOPES = "offline_access opportunities:read:admin notes:write:admin webhooks:write:admin"
DAY = 86400


@pytest.fixture
async def sim() -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://lever.sim") as c:
        yield c
    await app.state.sim.deliveries.aclose()


async def authorize(sim: httpx2.AsyncClient, **extra: str) -> dict[str, list[str]]:
    params = {
        "client_id": CLIENT["client_id"],
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "state": "s-123",
        "audience": "https://api.lever.co/v1/",
        "scope": SCOPES,
        **extra,
    }
    response = await sim.get("/authorize", params=params)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(CALLBACK + "?")
    return parse_qs(urlsplit(location).query)


async def token(sim: httpx2.AsyncClient, **form: str) -> httpx2.Response:
    body = {"client_id": CLIENT["client_id"], "client_secret": CLIENT["client_secret"], **form}
    return await sim.post("/oauth/token", data=body)


async def connect(sim: httpx2.AsyncClient, **extra: str) -> dict:
    code = (await authorize(sim, **extra))["code"][0]
    response = await token(sim, grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert response.status_code == 200, response.text
    return response.json()


def bearer(access: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access}"}


async def advance(sim: httpx2.AsyncClient, seconds: float) -> None:
    (await sim.post("/_sim/clock", json={"advance_seconds": seconds})).raise_for_status()


async def test_code_flow_gives_a_bearer_token_that_acts_as_the_consenting_admin(sim):
    back = await authorize(sim)
    assert back["state"] == ["s-123"] and back["code"]
    tokens = (
        await token(sim, grant_type="authorization_code", code=back["code"][0], redirect_uri=CALLBACK)
    ).json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["refresh_token"].startswith("v1.")
    assert tokens["access_token"].count(".") == 2  # a JWT, as Lever's
    assert "opportunities:read:admin" in tokens["scope"].split()
    response = await sim.get("/v1/webhooks", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200, response.text
    log = (await sim.get("/_sim/requests")).json()["data"]
    assert log[-1]["key"] == f"oauth:{CLIENT['client_id']}"  # never the token itself
    grants = (await sim.get("/_sim/oauth")).json()["data"]
    assert [g["user"] for g in grants] == [RITA]


async def test_a_code_is_single_use_and_bound_to_its_redirect_uri(sim):
    code = (await authorize(sim))["code"][0]
    wrong = await token(sim, grant_type="authorization_code", code=code, redirect_uri=CALLBACK + "x")
    assert wrong.status_code == 403 and wrong.json()["error"] == "invalid_grant"
    code = (await authorize(sim))["code"][0]
    assert (
        await token(sim, grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    ).status_code == 200
    again = await token(sim, grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert again.status_code == 403 and again.json()["error"] == "invalid_grant"


async def test_wrong_client_secret_is_refused(sim):
    code = (await authorize(sim))["code"][0]
    response = await token(
        sim, grant_type="authorization_code", code=code, redirect_uri=CALLBACK, client_secret="nope"
    )
    assert response.status_code == 401


async def test_denial_and_non_super_admins_come_back_as_access_denied(sim):
    assert (await authorize(sim, sim_decision="deny"))["error"] == ["access_denied"]
    back = await authorize(sim, sim_user="erin@example.com")
    assert back["error"] == ["access_denied"] and back["state"] == ["s-123"] and "code" not in back
    assert ERIN  # Erin is an interviewer, not a Super Admin


async def test_unknown_scope_and_missing_state_are_refused(sim):
    assert (await authorize(sim, scope="offline_access candidates:read:admin"))["error"] == ["invalid_scope"]
    assert (await authorize(sim, response_type="token"))["error"] == ["unsupported_response_type"]


async def test_access_token_expires_after_an_hour_of_virtual_time(sim):
    tokens = await connect(sim)
    await advance(sim, 3599)
    assert (await sim.get("/v1/webhooks", headers=bearer(tokens["access_token"]))).status_code == 200
    await advance(sim, 2)
    expired = await sim.get("/v1/webhooks", headers=bearer(tokens["access_token"]))
    assert expired.status_code == 401
    assert expired.json() == {"code": "UnauthorizedError", "message": "The access token has expired"}


async def test_refresh_rotates_and_reuse_of_a_spent_token_revokes_the_grant(sim):
    first = await connect(sim)
    await advance(sim, 2 * 3600)
    second = (await token(sim, grant_type="refresh_token", refresh_token=first["refresh_token"])).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await sim.get("/v1/webhooks", headers=bearer(second["access_token"]))).status_code == 200
    third = (await token(sim, grant_type="refresh_token", refresh_token=second["refresh_token"])).json()
    assert "access_token" in third
    # Presenting a rotated token again: refused, and everything issued from the grant dies with it.
    reused = await token(sim, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 403 and reused.json()["error"] == "invalid_grant"
    assert (await sim.get("/v1/webhooks", headers=bearer(third["access_token"]))).status_code == 401
    after = await token(sim, grant_type="refresh_token", refresh_token=third["refresh_token"])
    assert after.status_code == 403


async def test_refresh_token_expires_after_90_days_without_use_and_after_a_year(sim):
    tokens = await connect(sim)
    for _ in range(4):  # used every 80 days: alive well past 90 days in total
        await advance(sim, 80 * DAY)
        response = await token(sim, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
        assert response.status_code == 200, response.text
        tokens = response.json()
    await advance(sim, 80 * DAY)  # 400 days since consent: the absolute limit is one year
    late = await token(sim, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert late.status_code == 403 and late.json()["error"] == "invalid_grant"

    idle = await connect(sim)
    await advance(sim, 91 * DAY)
    response = await token(sim, grant_type="refresh_token", refresh_token=idle["refresh_token"])
    assert response.status_code == 403 and response.json()["error"] == "invalid_grant"


async def test_scopes_are_enforced_and_a_write_scope_implies_read(sim):
    tokens = await connect(sim)
    headers = bearer(tokens["access_token"])
    assert (await sim.get("/v1/opportunities", headers=headers)).status_code == 200
    refused = await sim.get("/v1/users", headers=headers)
    assert refused.status_code == 403 and "users:read:admin" in refused.json()["message"]
    assert (
        await sim.post("/v1/opportunities", params={"perform_as": RITA}, headers=headers, json={})
    ).status_code == 403
    opp = await sim.post(
        "/v1/opportunities", params={"perform_as": RITA}, json={"name": "Ada"}, auth=("sim-lever-key", "")
    )
    opp_id = opp.json()["data"]["id"]
    # notes:write:admin also reads notes; offers need their own scope.
    assert (await sim.get(f"/v1/opportunities/{opp_id}/notes", headers=headers)).status_code == 200
    note = await sim.post(f"/v1/opportunities/{opp_id}/notes", headers=headers, json={"value": "hi"})
    assert note.status_code == 201
    assert (await sim.get(f"/v1/opportunities/{opp_id}/offers", headers=headers)).status_code == 403
    assert (
        await sim.put(f"/v1/opportunities/{opp_id}/stage", headers=headers, json={"stage": "offer"})
    ).status_code == 403


async def test_revoking_the_app_in_settings_kills_every_token(sim):
    tokens = await connect(sim)
    assert (await sim.post("/_sim/oauth/revoke", json={"client_id": CLIENT["client_id"]})).json() == {
        "revoked": 1
    }
    assert (await sim.get("/v1/webhooks", headers=bearer(tokens["access_token"]))).status_code == 401
    refresh = await token(sim, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refresh.status_code == 403


async def test_reset_forgets_grants(sim):
    tokens = await connect(sim)
    await sim.post("/_sim/reset")
    assert (await sim.get("/v1/webhooks", headers=bearer(tokens["access_token"]))).status_code == 401
