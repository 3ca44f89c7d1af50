"""Every console route has an authorization rule, and each role reaches exactly what it may."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from console_app import ORIGIN, Running, running_console, signed_in
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hirebridge.web.console.access import PUBLIC, ROLES, ConsoleRoute, public_routes
from hirebridge.web.console.headers import CSP

# The only routes anyone may reach without signing in.
PUBLIC_ROUTES = {("/console/sign-in", "GET"), ("/console/sign-in", "POST"), ("/console/static/{name}", "GET")}
# Public as well where an identity provider is configured (web/console/access.public_routes).
OIDC_ROUTES = {("/console/oidc/start", "GET"), ("/console/oidc/callback", "GET")}
SAMPLE = {
    "{connection}": "main",
    "{kind}": "opportunity",
    "{id}": "abc",
    "{packet}": "p1",
    "{name}": "console.css",
    "{format}": "csv",
}


@pytest.fixture
async def running(database_url: str, tmp_path: Path) -> AsyncIterator[Running]:
    async with running_console(database_url, tmp_path) as app:
        yield app


def console_routes(running: Running) -> list[tuple[str, str, str]]:
    """(path, method, role) of every route of the application under /console."""
    found = []
    for route in running.inner.router.routes:
        path = getattr(route, "path", "")
        if not path.startswith("/console"):
            continue
        assert isinstance(route, ConsoleRoute), f"{path} has no authorization rule (make it a ConsoleRoute)"
        assert route.role == PUBLIC or route.role in ROLES
        found += [(path, method, route.role) for method in sorted((route.methods or set()) - {"HEAD"})]
    return found


def concrete(path: str) -> str:
    for name, value in SAMPLE.items():
        path = path.replace(name, value)
    assert "{" not in path, f"no sample value for {path}"
    return path


async def test_every_console_route_has_a_rule_and_only_sign_in_is_public(running: Running) -> None:
    routes = console_routes(running)
    assert len(routes) >= 15
    public = {(path, method) for path, method, role in routes if role == PUBLIC}
    assert public - OIDC_ROUTES == PUBLIC_ROUTES
    # Nothing else under /console answers without a session: a GET is sent to sign in, the rest refused.
    client = running.client()
    for path, method, role in routes:
        if role == PUBLIC:
            continue
        answer = await client.request(method, concrete(path), headers={"Origin": ORIGIN})
        if method == "GET":
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/console/sign-in?next="), path
        else:
            assert answer.status_code == 403, (method, path)


def test_a_plain_route_under_console_would_be_caught() -> None:
    router = SimpleNamespace(routes=[Route("/console/new-page", lambda request: None)])
    fake = SimpleNamespace(inner=SimpleNamespace(router=router))
    with pytest.raises(AssertionError, match="no authorization rule"):
        console_routes(fake)  # type: ignore[arg-type]


async def test_each_role_reaches_what_it_may_and_no_more(running: Running) -> None:
    routes = [(path, method, role) for path, method, role in console_routes(running) if role != PUBLIC]
    clients = {role: await signed_in(running, f"{role}@example.com", role) for role in ROLES}
    try:
        for path, method, needed in routes:
            if path == "/console/sign-out":
                continue
            for role, (client, csrf) in clients.items():
                allowed = ROLES.index(role) >= ROLES.index(needed)
                data = {"csrf": csrf} if method == "POST" else None
                answer = await client.request(method, concrete(path), data=data, headers={"Origin": ORIGIN})
                if allowed:
                    assert answer.status_code in (200, 303, 400, 404), (role, method, path, answer.text[:300])
                    assert "cannot do this" not in answer.text
                else:
                    assert answer.status_code == 403, (role, method, path)
                    assert f"Your role ({role}) cannot do this." in answer.text
    finally:
        for client, _ in clients.values():
            await client.aclose()


async def test_a_new_role_holds_from_the_next_request(running: Running) -> None:
    client, csrf = await signed_in(running, "ada@example.com", "viewer")
    url = "/console/subjects/main/opportunity/abc/reconcile"
    assert (await client.post(url, data={"csrf": csrf}, headers={"Origin": ORIGIN})).status_code == 403
    admin, admin_csrf = await signed_in(running, "root@example.com", "admin")
    form = {"csrf": admin_csrf, "email": "ada@example.com", "role": "operator"}
    changed = await admin.post("/console/users/change", headers={"Origin": ORIGIN}, data=form)
    assert changed.headers["location"] == "/console/users?notice=role"
    form = {"csrf": admin_csrf, "email": "root@example.com", "action": "remove"}
    own = await admin.post("/console/users/change", headers={"Origin": ORIGIN}, data=form)
    assert own.headers["location"] == "/console/users?notice=self"
    assert (await client.post(url, data={"csrf": csrf}, headers={"Origin": ORIGIN})).status_code == 303


async def test_an_identity_providers_routes_join_as_public_console_routes(running: Running) -> None:
    async def start(request: Request) -> Response:
        return RedirectResponse("https://idp.example/authorize", status_code=303)

    running.inner.router.routes.extend(public_routes([Route("/console/oidc/start", start)]))
    assert ("/console/oidc/start", "GET", PUBLIC) in console_routes(running)
    answer = await running.client().get("/console/oidc/start")
    assert answer.status_code == 303 and answer.headers["content-security-policy"] == CSP


async def test_a_database_away_is_a_console_page_with_the_consoles_headers(running: Running) -> None:
    client, _ = await signed_in(running, "viewer@example.com", "viewer")
    try:
        await running.inner.state.pool.close()  # every query now fails as with the database away
        answer = await client.get("/console/subjects")
        assert answer.status_code == 503
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.headers["Content-Security-Policy"] == CSP
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Retry-After"] == "5"
        assert "The database is unavailable just now; try again shortly." in answer.text
        assert "<h1>Unavailable</h1>" in answer.text
    finally:
        await client.aclose()
