"""Signing in and out: a local account's password, or an identity provider's verified email through
`sign_in_verified` (the hook OIDC sign-in calls). Repeated failures wait (lockout.py); every sign-in,
failure and sign-out is recorded in the audit trail."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hirebridge.runtime import console_accounts as accounts
from hirebridge.web.console.access import PUBLIC, ROLES, ConsoleRoute, refusal, same_origin
from hirebridge.web.console.context import client_address, context, facade, form
from hirebridge.web.console.headers import secured
from hirebridge.web.console.lockout import Failures, account_key, address_key
from hirebridge.web.console.render import render

PRE_SESSION = "hirebridge-console-sign-in"  # the sign-in form's own CSRF token (no session yet)


def normalise(email: str) -> str:
    return email.strip().lower()[:320]


def next_page(value: str | None) -> str:
    """Where to go after signing in: a console page of this site only (no open redirect)."""
    if value and value.startswith("/console") and not value.startswith("//") and "\\" not in value:
        return value
    return "/console"


def _page(request: Request, *, status: int = 200, message: str = "", email: str = "") -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "sign_in.html",
        status=status,
        message=message,
        email=email,
        token=token,
        next=next_page(request.query_params.get("next")),
        oidc_provider=context(request).oidc_provider,
    )
    response.set_cookie(
        PRE_SESSION,
        token,
        max_age=3600,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=context(request).sessions.secure,
    )
    return response


async def sign_in_page(request: Request) -> Response:
    return _page(request)


async def _started(request: Request, email: str, how: str, target: str) -> Response:
    response = RedirectResponse(next_page(target), status_code=303)
    await context(request).sessions.start(request, email, response)
    response.delete_cookie(PRE_SESSION, path="/console")
    await facade(request).record(
        email, "console.sign_in", {"method": how, "address": client_address(request)}
    )
    return response


async def sign_in(request: Request) -> Response:
    posted = await form(request)
    token = request.cookies.get(PRE_SESSION, "")
    if not (token and same_origin(request) and hmac.compare_digest(token, posted.get("csrf", ""))):
        return refusal(request, 403, "This sign-in form is out of date: open the sign-in page again.")
    ctx, email, now = context(request), normalise(posted.get("email", "")), datetime.now(UTC)
    keys = [account_key(email), address_key(client_address(request))]
    window = ctx.settings.failure_window_minutes * 60

    def retry_at(seen: accounts.Seen) -> datetime | None:
        account_fails, address_fails = (Failures(*seen[k]) if k in seen else None for k in keys)
        return ctx.lockout.retry_at(account_fails, address_fails, now)

    # Counted as a failure before the password is checked: parallel guesses meet the lockout too.
    seen, admitted = await accounts.try_sign_in(
        ctx.pool, keys, window_seconds=window, admitted=lambda seen: retry_at(seen) is None
    )
    if not admitted:
        wait_until = retry_at(seen) or now
        wait = max(1, int((wait_until - now).total_seconds()) + 1)
        response = _page(
            request,
            status=429,
            email=email,
            message=f"Too many failed sign-ins: try again in {wait} seconds.",
        )
        response.headers["Retry-After"] = str(wait)
        return response
    account = await accounts.get(ctx.pool, email)
    if not await ctx.passwords.checked(
        account.password_hash if account else None, posted.get("password", "")
    ):
        detail = {"email": email if account else None, "address": client_address(request)}
        await facade(request).record(email if account else "unknown", "console.sign_in_failed", detail)
        return _page(request, status=401, email=email, message="Wrong email address or password.")
    assert account is not None and account.password_hash is not None
    await accounts.clear_failures(ctx.pool, keys[:1])
    await accounts.take_back(ctx.pool, keys[1], seen[keys[1]][1] if keys[1] in seen else None)
    if ctx.passwords.needs_rehash(account.password_hash):  # without ending the sessions it starts
        await accounts.set_password(
            ctx.pool, email, await ctx.passwords.hashed(posted.get("password", "")), keep=True
        )
    return await _started(request, email, "password", posted.get("next", ""))


async def sign_in_verified(
    request: Request, email: str, role: str | None, *, default_role: str | None = None
) -> Response:
    """Start a session for an address an identity provider verified, exactly as a password sign-in.

    The local account is found by address; without one it is created with `role` (from the
    provider's claims) or `default_role` when either is given, else refused. A `role` from the
    provider replaces the account's: the provider's groups decide. Returns the redirect into the
    console with the session cookie set."""
    ctx, email = context(request), normalise(email)
    for candidate in (role, default_role):
        if candidate is not None and candidate not in ROLES:
            return secured(refusal(request, 403, f"Unknown console role {candidate!r}."))
    account = await accounts.get(ctx.pool, email)
    if account is None:
        if (role or default_role) is None:
            await facade(request).record("unknown", "console.sign_in_failed", {"method": "oidc"})
            return secured(
                refusal(
                    request,
                    403,
                    "There is no console account for this address: "
                    "ask an admin to add it (hirebridge users add).",
                )
            )
        await accounts.add(ctx.pool, email, role or default_role or "viewer", None)
        await facade(request).record(
            email, "console.user_added", {"role": role or default_role, "by": "oidc"}
        )
    elif role is not None and role != account.role:
        await accounts.set_role(ctx.pool, email, role)
        await facade(request).record(email, "console.role_set", {"role": role, "by": "oidc"})
    return secured(await _started(request, email, "oidc", request.query_params.get("next", "")))


async def sign_out(request: Request) -> Response:
    current = request.state.console_session
    response = RedirectResponse("/console/sign-in", status_code=303)
    await context(request).sessions.end(request, response)
    await facade(request).record(current.email, "console.sign_out", {})
    return response


ROUTES = [
    ConsoleRoute("/console/sign-in", sign_in_page, role=PUBLIC),
    ConsoleRoute("/console/sign-in", sign_in, role=PUBLIC, methods=["POST"]),
    ConsoleRoute("/console/sign-out", sign_out, role="viewer", methods=["POST"]),
]
