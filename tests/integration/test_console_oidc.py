"""The console signs a person in through the identity provider (the OpenID Connect simulator over real
HTTP on loopback): the same session as a password sign-in, the role from the provider's groups, and the
sign-in in the audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path

import httpx2
import psycopg
import pytest
from console_app import running_console
from test_oidc_sign_in import HIDDEN, LOOPBACK, free_port, serve

from hirebridge.sims.oidc import create_app


@pytest.fixture
async def issuer() -> AsyncIterator[str]:
    port = free_port()
    url = f"http://{LOOPBACK}:{port}"
    server, task = await serve(
        create_app(url, redirect_uris=["http://testserver/console/oidc/callback"]), port
    )
    yield url
    server.should_exit = True
    await task


async def test_a_person_signs_in_through_the_identity_provider_with_the_role_of_their_group(
    database_url: str, tmp_path: Path, issuer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIREBRIDGE_SECRET_KEY", "a key for the console's sealed cookies")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "sim-oidc-secret")
    oidc = (
        "  oidc:\n"
        f"    issuer: {issuer}\n"
        "    client_id: sim-oidc-client\n"
        "    client_secret: ${OIDC_CLIENT_SECRET}\n"
        "    display_name: Example SSO\n"
        "    allowed_domains: [example.com]\n"
        "    role_claim: groups\n"
        "    roles: {hirebridge-operators: operator, hirebridge-admins: admin}\n"
    )
    async with (
        running_console(database_url, tmp_path, extra_console=oidc) as running,
        httpx2.AsyncClient(timeout=10) as browser,
    ):
        console = running.client()
        page = await console.get("/console/sign-in")
        assert "Sign in with Example SSO" in page.text
        started = await console.get("/console/oidc/start", params={"next": "/console/failures"})
        assert started.status_code == 303 and started.headers["location"].startswith(f"{issuer}/authorize?")
        form_page = await browser.get(started.headers["location"])
        form = {name: unescape(value) for name, value in HIDDEN.findall(form_page.text)}
        form |= {"email": "oscar@example.com", "password": "sim-password", "decision": "allow"}
        back = await browser.post(f"{issuer}/authorize", data=form)
        callback = back.headers["location"]
        assert callback.startswith("http://testserver/console/oidc/callback?")
        signed = await console.get(callback.removeprefix("http://testserver"))
        assert signed.status_code == 303 and signed.headers["location"] == "/console/failures"
        failures = await console.get("/console/failures")
        assert failures.status_code == 200 and "oscar@example.com" in failures.text
        # An operator: the provider's group gave the account its role.
        with psycopg.connect(database_url) as conn:
            role = conn.execute(
                "SELECT role FROM console_accounts WHERE email = 'oscar@example.com'"
            ).fetchone()
            actors = conn.execute("SELECT DISTINCT actor FROM audit WHERE actor IS NOT NULL").fetchall()
        assert role == ("operator",)
        assert ("oscar@example.com",) in actors
