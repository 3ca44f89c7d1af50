"""Console sign-in through an OpenID Connect provider, whole, over real HTTP: the provider simulator
and a small application mounting the sign-in routes, each under uvicorn on loopback, and a recording
session hook in place of the console's."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import httpx2
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hirebridge.config.oidc import OidcSettings
from hirebridge.config.secret_key import TokenCipher
from hirebridge.connectors.oidc import OidcProvider
from hirebridge.sims.oidc import create_app
from hirebridge.web.console_oidc import COOKIE_NAME, OidcRoutes, OidcSignIn

LOOPBACK = "127.0.0.1"
HIDDEN = re.compile(r"<input type='hidden' name='(\w+)' value='([^']*)'>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


async def serve(app: Any, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    server = uvicorn.Server(uvicorn.Config(app, host=LOOPBACK, port=port, log_level="error", lifespan="off"))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.get_running_loop().create_task(server.serve())
    async with asyncio.timeout(5):
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.01)
    return server, task


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Stack:
    issuer: str
    console: str
    settings: OidcSettings
    sign_ins: list[tuple[str, str | None]] = field(default_factory=list)
    nexts: list[str | None] = field(default_factory=list)
    provider_clock: Clock = field(default_factory=Clock)
    routes: OidcRoutes | None = None

    async def hook(self, request: Request, email: str, role: str | None) -> Response:
        self.sign_ins.append((email, role))
        self.nexts.append(request.query_params.get("next"))
        response = RedirectResponse("/console/", status_code=303)
        response.set_cookie("console_session", "s-1", httponly=True, samesite="strict")
        return response


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    sim_port, console_port = free_port(), free_port()
    issuer, console = f"http://{LOOPBACK}:{sim_port}", f"http://{LOOPBACK}:{console_port}"
    settings = OidcSettings(
        issuer=issuer,
        client_id="sim-oidc-client",
        client_secret="sim-oidc-secret",  # type: ignore[arg-type]
        allowed_domains=["example.com"],
        default_role="viewer",
        role_claim="groups",
        roles={"hirebridge-admins": "admin", "hirebridge-operators": "operator"},
    )
    built = Stack(issuer=issuer, console=console, settings=settings)
    provider = OidcProvider(settings, clock=built.provider_clock)
    sign_in = OidcSignIn(settings, TokenCipher(["a test key"]), provider)
    built.routes = OidcRoutes(sign_in, built.hook, public_url=console)
    sim_app = create_app(issuer, redirect_uris=[f"{console}/console/oidc/callback"])
    servers = [
        await serve(sim_app, sim_port),
        await serve(Starlette(routes=built.routes.routes()), console_port),
    ]
    yield built
    await sign_in.aclose()
    for server, task in servers:
        server.should_exit = True
        async with asyncio.timeout(5):
            await task


@pytest.fixture
async def browser() -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(timeout=10) as client:
        yield client


async def to_provider(browser: httpx2.AsyncClient, stack: Stack, next_path: str = "") -> httpx2.Response:
    params = {"next": next_path} if next_path else {}
    started = await browser.get(f"{stack.console}/console/oidc/start", params=params)
    assert started.status_code == 303, started.text
    assert started.headers["location"].startswith(f"{stack.issuer}/authorize?")
    return started


async def sign_in(
    browser: httpx2.AsyncClient, stack: Stack, email: str, decision: str = "allow", next_path: str = ""
) -> tuple[httpx2.Response, str]:
    """The callback's answer, and the callback address the provider sent the browser to."""
    started = await to_provider(browser, stack, next_path)
    form_page = await browser.get(started.headers["location"])
    assert form_page.status_code == 200 and "<label for='email'>Email</label>" in form_page.text
    form = {name: unescape(value) for name, value in HIDDEN.findall(form_page.text)}
    form |= {"email": email, "password": "sim-password", "decision": decision}
    back = await browser.post(f"{stack.issuer}/authorize", data=form)
    assert back.status_code == 302, back.text
    callback = back.headers["location"]
    assert callback.startswith(f"{stack.console}/console/oidc/callback?")
    return await browser.get(callback), callback


async def test_a_person_signs_in_with_the_role_their_group_maps_to(browser, stack: Stack) -> None:
    started = await to_provider(browser, stack)
    cookie = started.headers["set-cookie"].lower()
    for attribute in ("httponly", "samesite=lax", "path=/console/oidc/callback", "max-age=600"):
        assert attribute in cookie
    assert "sim-oidc-secret" not in started.headers["location"]

    before = len(stack.sign_ins)
    answer, _ = await sign_in(browser, stack, "ada@example.com")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    assert stack.sign_ins[before:] == [("ada@example.com", "admin")]
    set_cookies = answer.headers.get_list("set-cookie")
    assert any(c.startswith(f'{COOKIE_NAME}=""') or c.startswith(f"{COOKIE_NAME}=;") for c in set_cookies)
    assert any(c.startswith("console_session=s-1") for c in set_cookies)


async def test_no_group_means_no_role_from_the_provider(browser, stack: Stack) -> None:
    before = len(stack.sign_ins)
    answer, _ = await sign_in(browser, stack, "vera@example.com")
    assert answer.status_code == 303
    assert stack.sign_ins[before:] == [("vera@example.com", None)]


@pytest.mark.parametrize(
    ("next_path", "seen"),
    [("/console/subjects/42?tab=timeline", "/console/subjects/42?tab=timeline"), ("//evil.example/x", None)],
)
async def test_the_page_sign_in_started_from_reaches_the_hook(browser, stack: Stack, next_path, seen) -> None:
    answer, callback = await sign_in(browser, stack, "vera@example.com", next_path=next_path)
    assert answer.status_code == 303 and "next" not in callback
    assert stack.nexts[-1] == seen


@pytest.mark.parametrize(
    ("email", "decision", "status", "reason"),
    [
        ("uma@example.com", "allow", 403, "does not vouch for this email address"),
        ("otto@elsewhere.test", "allow", 403, "elsewhere.test may not sign in"),
        ("ada@example.com", "deny", 403, "access_denied"),
    ],
)
async def test_refused_people_get_a_reason_and_no_session(browser, stack, email, decision, status, reason):
    before = len(stack.sign_ins)
    answer, _ = await sign_in(browser, stack, email, decision)
    assert answer.status_code == status
    assert reason in unescape(answer.text)
    assert stack.sign_ins[before:] == []
    assert "console_session" not in answer.headers.get("set-cookie", "")


async def test_a_callback_replayed_with_its_cookie_is_refused(browser, stack: Stack) -> None:
    answer, callback = await sign_in(browser, stack, "oscar@example.com")
    assert answer.status_code == 303 and stack.sign_ins[-1] == ("oscar@example.com", "operator")
    before = len(stack.sign_ins)
    # The same browser again: the cookie was dropped at the first callback.
    again = await browser.get(callback)
    assert again.status_code == 400 and "another browser" in unescape(again.text)
    # An attacker who kept the cookie too: the provider refuses the spent code.
    async with httpx2.AsyncClient(timeout=10) as attacker:
        sealed = answer.request.headers["cookie"].split(f"{COOKIE_NAME}=")[1].split(";")[0]
        replay = await attacker.get(callback, headers={"cookie": f"{COOKIE_NAME}={sealed}"})
    assert replay.status_code == 400
    assert "invalid_grant" in unescape(replay.text)
    assert len(stack.sign_ins) == before


@pytest.mark.parametrize(
    ("pattern", "forgery", "reason"),
    [(r"state=[^&]+", "state=forged", "(state)"), (r"iss=[^&]+", "iss=https%3A%2F%2Fevil.example", "(iss)")],
)
async def test_a_forged_answer_is_refused(browser, stack: Stack, pattern, forgery, reason) -> None:
    started = await to_provider(browser, stack)
    form_page = await browser.get(started.headers["location"])
    form = {name: unescape(value) for name, value in HIDDEN.findall(form_page.text)}
    back = await browser.post(
        f"{stack.issuer}/authorize", data={**form, "email": "ada@example.com", "password": "sim-password"}
    )
    forged = re.sub(pattern, forgery, back.headers["location"])
    assert forged != back.headers["location"]
    before = len(stack.sign_ins)
    answer = await browser.get(forged)
    assert answer.status_code == 400 and reason in unescape(answer.text)
    assert len(stack.sign_ins) == before


async def test_an_id_token_issued_an_hour_ago_is_refused(browser, stack: Stack) -> None:
    await browser.post(f"{stack.issuer}/_sim/clock", json={"offset_seconds": -3600})
    try:
        before = len(stack.sign_ins)
        answer, _ = await sign_in(browser, stack, "ada@example.com")
    finally:
        await browser.post(f"{stack.issuer}/_sim/clock", json={"offset_seconds": 0})
    assert answer.status_code == 400 and "expired" in unescape(answer.text)
    assert len(stack.sign_ins) == before


async def test_rotated_signing_keys_are_fetched_again(browser, stack: Stack) -> None:
    await sign_in(browser, stack, "vera@example.com")  # the current keys are cached
    rotated = await browser.post(f"{stack.issuer}/_sim/rotate-key")
    jwks_before = (await browser.get(f"{stack.issuer}/jwks")).json()
    assert jwks_before["keys"][0]["kid"] == rotated.json()["kid"]

    stack.provider_clock.now += 30  # keys fetched moments ago are not fetched again at once
    answer, _ = await sign_in(browser, stack, "ada@example.com")
    assert answer.status_code == 400 and "no RS256 key" in unescape(answer.text)

    stack.provider_clock.now += 61
    before = len(stack.sign_ins)
    answer, _ = await sign_in(browser, stack, "ada@example.com")
    assert answer.status_code == 303
    assert stack.sign_ins[before:] == [("ada@example.com", "admin")]


async def test_an_unreachable_provider_is_a_clear_502() -> None:
    settings = OidcSettings(
        issuer=f"http://{LOOPBACK}:{free_port()}",
        client_id="c",
        client_secret="s",  # type: ignore[arg-type]
    )
    routes = OidcRoutes(OidcSignIn(settings, TokenCipher(["k"])), _never, public_url="http://127.0.0.1:1")
    transport = httpx2.ASGITransport(app=Starlette(routes=routes.routes()))
    async with httpx2.AsyncClient(transport=transport, base_url="http://console") as client:
        answer = await client.get("/console/oidc/start")
    await routes.sign_in.aclose()
    assert answer.status_code == 502
    assert "could not be used" in unescape(answer.text) and "unreachable" in answer.text
    assert COOKIE_NAME not in answer.headers.get("set-cookie", "")


async def _never(request: Request, email: str, role: str | None) -> Response:
    raise AssertionError("no session may start")
