"""Console sessions: a random token in an HttpOnly cookie, a row per session in the database (so
signing out, removing an account or changing its password ends it at once), an idle and an absolute
expiry, and a CSRF token per session that every state-changing request must carry."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from psycopg_pool import AsyncConnectionPool
from starlette.requests import Request
from starlette.responses import Response

from hirebridge.config.console import ConsoleSettings
from hirebridge.runtime import console_accounts as accounts


@dataclass(frozen=True)
class Session:
    email: str
    role: str
    csrf: str


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Sessions:
    def __init__(self, pool: AsyncConnectionPool, settings: ConsoleSettings, *, secure: bool) -> None:
        self.pool = pool
        self.secure = secure
        # The __Host- prefix makes the browser refuse the cookie unless Secure, path / and no Domain.
        self.cookie = "__Host-hirebridge-console" if secure else "hirebridge-console"
        self.idle_seconds = settings.idle_minutes * 60
        self.absolute_seconds = settings.session_hours * 3600

    async def start(self, request: Request, email: str, response: Response) -> None:
        """A new session for `email`, its cookie set on `response`: a fresh token (no fixation), and
        the session the browser held before, if any, ends."""
        previous = request.cookies.get(self.cookie)
        if previous:
            await accounts.end_session(self.pool, _hash(previous))
        await accounts.expire_sessions(
            self.pool, idle_seconds=self.idle_seconds, absolute_seconds=self.absolute_seconds
        )
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        await accounts.start_session(self.pool, _hash(token), email, csrf)
        response.set_cookie(
            self.cookie,
            token,
            max_age=int(self.absolute_seconds),
            path="/",
            secure=self.secure,
            httponly=True,
            # Lax, not Strict: the identity provider's redirect back is a cross-site navigation.
            # Every state-changing request needs the CSRF token as well.
            samesite="lax",
        )

    async def current(self, request: Request) -> Session | None:
        token = request.cookies.get(self.cookie)
        if not token or len(token) > 100:
            return None
        row = await accounts.touch_session(
            self.pool, _hash(token), idle_seconds=self.idle_seconds, absolute_seconds=self.absolute_seconds
        )
        return Session(row.email, row.role, row.csrf) if row else None

    async def end(self, request: Request, response: Response) -> None:
        token = request.cookies.get(self.cookie)
        if token:
            await accounts.end_session(self.pool, _hash(token))
        response.delete_cookie(self.cookie, path="/", secure=self.secure, httponly=True, samesite="lax")
