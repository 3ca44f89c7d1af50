"""Admins manage the console's accounts: add (with a password, or for the identity provider only),
change a role, remove. Nobody removes or demotes themselves here, so one admin always remains."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hirebridge.runtime import console_accounts as accounts
from hirebridge.web.console.access import ROLES, ConsoleRoute
from hirebridge.web.console.context import context, facade, form, session
from hirebridge.web.console.passwords import WeakPassword
from hirebridge.web.console.render import render
from hirebridge.web.console.signin import normalise

NOTICES = {
    "added": "The account was added.",
    "exists": "That account exists already.",
    "role": "The role was changed; it holds from the account's next request.",
    "removed": "The account was removed and its sessions ended.",
    "self": "You cannot remove or demote your own account here.",
    "invalid": "Give an email address and one of the roles.",
    "weak": str(WeakPassword.__doc__),
    "missing": "There is no such account.",
}


def _back(notice: str) -> Response:
    return RedirectResponse(f"/console/users?{urlencode({'notice': notice})}", status_code=303)


async def users(request: Request) -> Response:
    rows = await accounts.listing(context(request).pool)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(request, "users.html", title="Users", rows=rows, roles=ROLES, notice=notice)


async def add(request: Request) -> Response:
    posted = await form(request)
    email, role, password = normalise(posted.get("email", "")), posted.get("role", ""), posted.get("password")
    if "@" not in email or role not in ROLES:
        return _back("invalid")
    try:
        hashed = await context(request).passwords.hashed(password) if password else None
    except WeakPassword:
        return _back("weak")
    if not await accounts.add(context(request).pool, email, role, hashed):
        return _back("exists")
    await facade(request).record(session(request).email, "console.user_added", {"email": email, "role": role})
    return _back("added")


async def change(request: Request) -> Response:
    posted, me = await form(request), session(request).email
    email, role = normalise(posted.get("email", "")), posted.get("role", "")
    if email == me:
        return _back("self")
    pool = context(request).pool
    if posted.get("action") == "remove":
        if not await accounts.remove(pool, email):
            return _back("missing")
        await facade(request).record(me, "console.user_removed", {"email": email})
        return _back("removed")
    if role not in ROLES:
        return _back("invalid")
    if not await accounts.set_role(pool, email, role):
        return _back("missing")
    await facade(request).record(me, "console.role_set", {"email": email, "role": role})
    return _back("role")


ROUTES = [
    ConsoleRoute("/console/users", users, role="admin"),
    ConsoleRoute("/console/users/add", add, role="admin", methods=["POST"]),
    ConsoleRoute("/console/users/change", change, role="admin", methods=["POST"]),
]
