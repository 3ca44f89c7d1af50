from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from justworks_helpers import CLIENT, REDIRECT, bearer, tokens


async def authorize(client, **extra):
    params = {"response_type": "code", "client_id": CLIENT["client_id"], "redirect_uri": REDIRECT, **extra}
    response = await client.get("/oauth/authorize", params=params)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def exchange(client, **form):
    return await client.post("/oauth/token", data={**CLIENT, **form})


async def test_code_grant_token_shape_and_bearer_use(anon):
    body = await tokens(anon)
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86400
    assert body["expires_at"].endswith("Z")
    assert body["refresh_token"].startswith("jwrt_")
    assert "member.basic:read" in body["scope"].split()
    me = await anon.get("/v1/company", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200


async def test_client_credentials_is_not_a_justworks_grant(anon):
    response = await exchange(anon, grant_type="client_credentials")
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


async def test_token_endpoint_errors(anon):
    assert (await anon.post("/oauth/token", data={"grant_type": "client_credentials"})).status_code == 401
    wrong = await anon.post("/oauth/token", data={**CLIENT, "client_secret": "x", "grant_type": "password"})
    assert wrong.json()["error"] == "invalid_client"
    assert (await exchange(anon, grant_type="password")).json()["error"] == "unsupported_grant_type"
    assert (await exchange(anon)).json()["error"] == "invalid_request"
    as_json = await anon.post("/oauth/token", json={**CLIENT, "grant_type": "client_credentials"})
    assert as_json.json()["error"] == "invalid_request"


async def test_bearer_is_required(anon):
    for path in (
        "/v1/company",
        "/v1/members",
        "/v1/members/mem_hank",
    ):
        response = await anon.get(path)
        assert response.status_code == 401, path
        assert response.json()["errors"][0]["code"] == "invalid_token"
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await anon.get("/v1/company", headers={"Authorization": "Bearer nope"})).status_code == 401


async def test_scope_is_enforced(anon):
    token = await bearer(anon, scope="company.detail:read")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await anon.get("/v1/company", headers=headers)).status_code == 200
    denied = await anon.get("/v1/members", headers=headers)
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["code"] == "insufficient_scope"


async def test_authorization_code_flow_with_rotating_refresh_tokens(anon):
    back = await authorize(anon, state="xyz", scope="member.basic:read company.basic:read")
    assert back["state"] == "xyz"
    first = await exchange(anon, grant_type="authorization_code", code=back["code"], redirect_uri=REDIRECT)
    assert first.status_code == 200
    tokens = first.json()
    assert tokens["scope"] == "member.basic:read company.basic:read"
    again = await exchange(anon, grant_type="authorization_code", code=back["code"], redirect_uri=REDIRECT)
    assert again.json()["error"] == "invalid_grant"

    rotated = await exchange(anon, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert new["scope"] == tokens["scope"]
    reused = await exchange(anon, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    members = await anon.get("/v1/members", headers={"Authorization": f"Bearer {new['access_token']}"})
    assert members.status_code == 200


async def test_authorization_code_redirect_uri_must_match(anon):
    back = await authorize(anon)
    response = await exchange(
        anon, grant_type="authorization_code", code=back["code"], redirect_uri="http://127.0.0.1:9/other"
    )
    assert response.json()["error"] == "invalid_grant"


async def test_authorize_errors(anon):
    assert (await authorize(anon, response_type="token", state="s")) == {
        "error": "unsupported_response_type",
        "state": "s",
    }
    assert (await authorize(anon, scope="everything"))["error"] == "invalid_scope"
    assert (await authorize(anon, sim_decision="deny"))["error"] == "access_denied"
    bad = await anon.get("/oauth/authorize", params={"client_id": "who", "redirect_uri": REDIRECT})
    assert bad.status_code == 400


async def test_access_token_expiry_forces_refresh(anon):
    await anon.post("/_sim/config", json={"access_token_ttl_seconds": 60})
    grant = await tokens(anon)
    assert grant["expires_in"] == 60
    headers = {"Authorization": f"Bearer {grant['access_token']}"}
    assert (await anon.get("/v1/company", headers=headers)).status_code == 200
    await anon.post("/_sim/clock", json={"advance_seconds": 61})
    expired = await anon.get("/v1/company", headers=headers)
    assert expired.status_code == 401
    assert "expired" in expired.json()["errors"][0]["message"]
    fresh = (await exchange(anon, grant_type="refresh_token", refresh_token=grant["refresh_token"])).json()
    assert (
        await anon.get("/v1/company", headers={"Authorization": f"Bearer {fresh['access_token']}"})
    ).is_success


async def test_expired_refresh_token_is_invalid_grant(anon):
    await anon.post("/_sim/config", json={"refresh_token_ttl_seconds": 3600})
    grant = await tokens(anon)
    await anon.post("/_sim/clock", json={"advance_seconds": 3601})
    response = await exchange(anon, grant_type="refresh_token", refresh_token=grant["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_expired_authorization_code_is_invalid_grant(anon):
    back = await authorize(anon)
    await anon.post("/_sim/clock", json={"advance_seconds": 601})
    response = await exchange(anon, grant_type="authorization_code", code=back["code"], redirect_uri=REDIRECT)
    assert response.json()["error"] == "invalid_grant"


async def test_revoke(anon):
    grant = await tokens(anon)
    response = await anon.post("/v1/oauth/revoke", data={**CLIENT, "token": grant["access_token"]})
    assert response.status_code == 200
    headers = {"Authorization": f"Bearer {grant['access_token']}"}
    assert (await anon.get("/v1/company", headers=headers)).status_code == 401
