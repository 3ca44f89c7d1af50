"""What every console route reaches through the request: sessions, the lockout policy, settings,
and the runtime's console facade (built once at start-up, on the application's state)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from psycopg_pool import AsyncConnectionPool
from starlette.requests import Request

from hirebridge.config.console import ConsoleSettings
from hirebridge.web.console.lockout import Lockout
from hirebridge.web.console.passwords import Passwords
from hirebridge.web.console.sessions import Session, Sessions

MAX_FORM_BYTES = 64 * 1024


@dataclass
class ConsoleContext:
    pool: AsyncConnectionPool
    settings: ConsoleSettings
    sessions: Sessions
    lockout: Lockout
    passwords: Passwords
    oidc_provider: str | None = None  # the sign-in page's "Sign in with …" button, when configured

    @classmethod
    def build(
        cls, pool: AsyncConnectionPool, settings: ConsoleSettings, public_url: str, oidc_provider: str | None
    ) -> ConsoleContext:
        sessions = Sessions(pool, settings, secure=public_url.startswith("https://"))
        lockout, passwords = Lockout.from_settings(settings), Passwords(settings)
        return cls(pool, settings, sessions, lockout, passwords, oidc_provider)


def context(request: Request) -> ConsoleContext:
    return request.app.state.console_web


def facade(request: Request) -> Any:
    """The runtime's `Console` (runtime/console.py)."""
    return request.app.state.console


def session(request: Request) -> Session:
    """The signed-in session (set by the route's guard)."""
    return request.state.console_session


async def form(request: Request) -> dict[str, str]:
    """The posted urlencoded form (the console's forms carry no files); read once, kept."""
    cached = getattr(request.state, "console_form", None)
    if cached is None:
        body = await request.body()
        text = body[:MAX_FORM_BYTES].decode("utf-8", "replace")
        is_form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        cached = dict(parse_qsl(text, keep_blank_values=True)) if is_form else {}
        request.state.console_form = cached
    return cached


def client_address(request: Request) -> str:
    # uvicorn already replaced it with X-Forwarded-For's client when the peer is a trusted proxy
    # (--forwarded-allow-ips).
    return request.client.host if request.client else "unknown"
