"""The console's sign-in, sessions, CSRF, lockout and headers, over HTTP against the real application
and database (in-process)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
from console_app import ORIGIN, PASSWORD, Running, csrf_of, running_console, sign_in, signed_in
from starlette.requests import Request
from starlette.responses import Response

from hirebridge.web.console import sign_in_verified
from hirebridge.web.console.headers import CSP

PAGES = (
    "/console",
    "/console/subjects?q=x",
    "/console/failures",
    "/console/packets",
    "/console/recipes",
    "/console/audit",
    "/console/users",
    "/console/static/console.css",
    "/console/subjects/main/opportunity/nope",
    "/console/subjects/elsewhere/opportunity/nope/plan",  # no such Lever connection: 404
    "/console/subjects?q=%00%01x",
    "/console/audit?start=2026-13-01",  # 400 with the reason
)


@pytest.fixture
async def running(database_url: str, tmp_path: Path) -> AsyncIterator[Running]:
    async with running_console(database_url, tmp_path) as app:
        yield app


async def test_sign_in_sets_an_http_only_lax_cookie_whose_value_is_stored_only_hashed(
    running: Running,
) -> None:
    await running.add("ada@example.com", "viewer")
    client = running.client()
    assert (await client.get("/console")).headers["location"] == "/console/sign-in?next=/console"
    answer = await sign_in(client, "ada@example.com")
    assert answer.status_code == 303 and answer.headers["location"] == "/console"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("hirebridge-console="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes and "secure" not in attributes
    assert "samesite=lax" in cookie.lower()
    token = cookie.split(";")[0].split("=", 1)[1]
    assert (await client.get("/console/subjects")).status_code == 200
    with psycopg.connect(running.database_url) as conn:
        stored = conn.execute("SELECT token_hash FROM console_sessions").fetchall()
    assert stored == [(hashlib.sha256(token.encode()).digest(),)]


async def test_an_https_public_url_gives_a_secure_host_prefixed_cookie(
    database_url: str, tmp_path: Path
) -> None:
    async with running_console(database_url, tmp_path, public_url="https://testserver") as running:
        await running.add("ada@example.com", "viewer")
        client = running.client()
        answer = await sign_in(client, "ada@example.com")
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("__Host-hirebridge-console=")
    )
    assert "secure" in cookie.lower() and "httponly" in cookie.lower()


async def test_wrong_password_and_unknown_address_are_refused_alike(running: Running) -> None:
    await running.add("ada@example.com", "viewer")
    client = running.client()
    wrong = await sign_in(client, "ada@example.com", "not the password at all")
    unknown = await sign_in(client, "nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        "Wrong email address or password." in wrong.text
        and "Wrong email address or password." in unknown.text
    )
    assert "hirebridge-console=" not in " ".join(wrong.headers.get_list("set-cookie"))


async def test_sign_out_and_account_removal_end_sessions(running: Running) -> None:
    client, csrf = await signed_in(running, "ada@example.com", "viewer")
    other, _ = await signed_in(running, "bob@example.com", "viewer")
    token = client.cookies["hirebridge-console"]
    out = await client.post("/console/sign-out", data={"csrf": csrf}, headers={"Origin": ORIGIN})
    assert out.status_code == 303 and "hirebridge-console" not in client.cookies
    # The browser drops the cookie; a copy kept elsewhere no longer opens anything either.
    client.cookies.set("hirebridge-console", token)
    assert (await client.get("/console/subjects")).status_code == 303
    assert (await other.get("/console/subjects")).status_code == 200
    with psycopg.connect(running.database_url) as conn:
        conn.execute("DELETE FROM console_accounts WHERE email = 'bob@example.com'")
    assert (await other.get("/console/subjects")).status_code == 303


async def test_idle_and_old_sessions_expire(running: Running) -> None:
    client, _ = await signed_in(running, "ada@example.com", "viewer")
    with psycopg.connect(running.database_url) as conn:
        conn.execute("UPDATE console_sessions SET seen_at = now() - interval '31 minutes'")
    assert (await client.get("/console/subjects")).status_code == 303
    client, _ = await signed_in(running, "bob@example.com", "viewer")
    with psycopg.connect(running.database_url) as conn:
        conn.execute("UPDATE console_sessions SET created_at = now() - interval '13 hours'")
    assert (await client.get("/console/subjects")).status_code == 303


async def test_a_post_without_or_with_a_wrong_csrf_token_or_from_another_site_is_403(
    running: Running,
) -> None:
    client, csrf = await signed_in(running, "ada@example.com", "operator")
    url = "/console/subjects/main/opportunity/abc/reconcile"
    assert (await client.post(url, headers={"Origin": ORIGIN})).status_code == 403
    assert (await client.post(url, data={"csrf": "x" + csrf}, headers={"Origin": ORIGIN})).status_code == 403
    other_site = await client.post(url, data={"csrf": csrf}, headers={"Origin": "https://evil.example"})
    assert other_site.status_code == 403
    good = await client.post(url, data={"csrf": csrf}, headers={"Origin": ORIGIN})
    assert good.status_code == 303
    by_header = await client.post(url, headers={"X-CSRF-Token": csrf})
    assert by_header.status_code == 303


async def test_the_sign_in_form_itself_needs_its_token(running: Running) -> None:
    await running.add("ada@example.com", "viewer")
    client = running.client()
    data = {"email": "ada@example.com", "password": PASSWORD}
    assert (await client.post("/console/sign-in", data=data)).status_code == 403
    page = await client.get("/console/sign-in")
    assert (await client.post("/console/sign-in", data={**data, "csrf": "forged"})).status_code == 403
    ok = await client.post("/console/sign-in", data={**data, "csrf": csrf_of(page.text)})
    assert ok.status_code == 303


async def test_repeated_failures_lock_the_account_then_the_address(running: Running) -> None:
    await running.add("ada@example.com", "viewer")
    client = running.client()
    for _ in range(3):
        assert (await sign_in(client, "ada@example.com", "wrong password here")).status_code == 401
    locked = await sign_in(client, "ada@example.com")  # even the right password waits now
    assert locked.status_code == 429 and 0 < int(locked.headers["retry-after"]) <= 61
    assert "Too many failed sign-ins" in locked.text
    with psycopg.connect(running.database_url) as conn:
        keys = conn.execute("SELECT key FROM console_sign_in_failures").fetchall()
        assert all(b"ada" not in bytes(k) for (k,) in keys)  # what was typed is not kept
    # Other accounts from the same address: 3 more failures reach the address's threshold (6).
    await running.add("bob@example.com", "viewer")
    for name in ("x", "y", "z"):
        assert (await sign_in(client, f"{name}@example.com", "wrong password here")).status_code == 401
    assert (await sign_in(client, "bob@example.com")).status_code == 429
    # Once the wait is over (the failures aged), the right password signs in and clears the account's.
    with psycopg.connect(running.database_url) as conn:
        conn.execute("UPDATE console_sign_in_failures SET last_at = now() - interval '10 minutes'")
    assert (await sign_in(client, "ada@example.com")).status_code == 303


async def test_parallel_guesses_meet_the_lockout_and_successes_do_not_add_up(running: Running) -> None:
    await running.add("ada@example.com", "viewer")
    clients = [running.client() for _ in range(8)]
    pages = await asyncio.gather(*(c.get("/console/sign-in") for c in clients))
    answers = await asyncio.gather(
        *(
            c.post(
                "/console/sign-in",
                data={"csrf": csrf_of(p.text), "email": "ada@example.com", "password": "wrong password here"},
                headers={"Origin": ORIGIN},
            )
            for c, p in zip(clients, pages, strict=True)
        )
    )
    # Three failures lock the account: no more than three guesses were checked, however many at once.
    assert sorted(a.status_code for a in answers) == [401] * 3 + [429] * 5
    with psycopg.connect(running.database_url) as conn:
        conn.execute("DELETE FROM console_sign_in_failures")
    # Each try is counted while its password is checked; a right one is taken back, so an office
    # behind one address signs in more often than the address's threshold (6).
    await running.add("bob@example.com", "viewer")
    client = running.client()
    for _ in range(8):
        assert (await sign_in(client, "bob@example.com")).status_code == 303


async def test_every_console_answer_carries_the_security_headers(running: Running) -> None:
    client, _ = await signed_in(running, "ada@example.com", "admin")
    anonymous = running.client()
    answers = [await client.get(path) for path in PAGES]
    answers += [await anonymous.get("/console/sign-in"), await anonymous.get("/console/failures")]
    answers += [await anonymous.post("/console/failures/retry")]
    for answer in answers:
        assert answer.status_code < 500, answer.request.url
        assert answer.headers["content-security-policy"] == CSP
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in CSP and "script-src 'self';" in CSP and "unsafe" not in CSP
    for answer in answers:
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert (
                "<script>" not in answer.text
                and " style=" not in answer.text
                and " on" + "click" not in answer.text
            )


async def test_the_sign_in_hook_starts_a_session_for_a_verified_address(running: Running) -> None:
    """What OIDC sign-in calls once the provider vouched for an address (and maybe a role)."""

    async def verified(request: Request) -> Response:
        query = request.query_params
        return await sign_in_verified(
            request, query["email"], query.get("role"), default_role=query.get("default")
        )

    running.inner.add_route("/test/verified", verified, methods=["GET"])
    await running.add("ada@example.com", "viewer", password=None)
    client = running.client()
    answer = await client.get("/test/verified", params={"email": "Ada@Example.com"})
    assert answer.status_code == 303 and answer.headers["location"] == "/console"
    assert (await client.get("/console/subjects")).status_code == 200
    # A password sign-in for an account without a password fails like any wrong password.
    assert (await sign_in(running.client(), "ada@example.com")).status_code == 401
    # No account: refused unless a role (from the provider's claims or the default) creates it.
    stranger = running.client()
    refused = await stranger.get("/test/verified", params={"email": "eve@example.com"})
    assert refused.status_code == 403 and "no console account" in refused.text
    made = await stranger.get("/test/verified", params={"email": "eve@example.com", "default": "viewer"})
    assert made.status_code == 303
    promoted = await running.client().get(
        "/test/verified", params={"email": "eve@example.com", "role": "operator"}
    )
    assert promoted.status_code == 303
    with psycopg.connect(running.database_url) as conn:
        roles = dict(conn.execute("SELECT email, role FROM console_accounts").fetchall())
        actions = [r[0] for r in conn.execute("SELECT action FROM audit ORDER BY id").fetchall()]
    assert roles == {"ada@example.com": "viewer", "eve@example.com": "operator"}
    assert actions.count("console.sign_in") == 3 and "console.user_added" in actions
    bogus = await running.client().get("/test/verified", params={"email": "x@example.com", "role": "root"})
    assert bogus.status_code == 403


async def test_console_actions_are_in_the_audit_trail_with_who(running: Running) -> None:
    client, csrf = await signed_in(running, "ada@example.com", "admin")
    await client.post(
        "/console/subjects/main/opportunity/abc/reconcile", data={"csrf": csrf}, headers={"Origin": ORIGIN}
    )
    await client.post("/console/sign-out", data={"csrf": csrf}, headers={"Origin": ORIGIN})
    await sign_in(running.client(), "ada@example.com", "a wrong password!")
    with psycopg.connect(running.database_url) as conn:
        rows = conn.execute("SELECT action, actor FROM audit ORDER BY id").fetchall()
    assert ("console.sign_in", "ada@example.com") in rows
    assert ("console.sign_out", "ada@example.com") in rows
    assert ("console.sign_in_failed", "ada@example.com") in rows
    assert any(actor == "ada@example.com" and "reconcile" in action for action, actor in rows), rows


async def test_signing_in_again_replaces_the_browsers_session(running: Running) -> None:
    client, _ = await signed_in(running, "ada@example.com", "viewer")
    before = client.cookies["hirebridge-console"]
    assert (await sign_in(client, "ada@example.com")).status_code == 303
    assert client.cookies["hirebridge-console"] != before
    with psycopg.connect(running.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM console_sessions").fetchone() == (1,)
