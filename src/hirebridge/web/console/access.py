"""Who may reach which console route. Every console route is a `ConsoleRoute` with the least role it
needs (or `PUBLIC`); its guard signs the visitor in or refuses, checks the CSRF token and the origin of
every state-changing request, and puts the console's headers on every answer."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hirebridge.web.console.context import context, form
from hirebridge.web.console.headers import secured
from hirebridge.web.console.render import error_page
from hirebridge.web.console.roles import PUBLIC, ROLES, Role, allows

SAFE_METHODS = frozenset({"GET", "HEAD"})
Endpoint = Callable[[Request], Awaitable[Response]]


def same_origin(request: Request) -> bool:
    """A browser names the page a request came from; one from another site is refused (CSRF). A
    request without Origin (an old browser, a script) still needs the CSRF token."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.headers.get("host", "")


async def csrf_ok(request: Request, expected: str) -> bool:
    given = request.headers.get("x-csrf-token") or (await form(request)).get("csrf", "")
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def refusal(request: Request, status: int, message: str) -> Response:
    return error_page(request, status, message)


def guard(endpoint: Endpoint, role: Role) -> Endpoint:
    async def guarded(request: Request) -> Response:
        if role == PUBLIC:
            return secured(await endpoint(request))
        current = await context(request).sessions.current(request)
        if current is None:
            if request.method in SAFE_METHODS:
                target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
                return secured(RedirectResponse(f"/console/sign-in?next={target}", status_code=303))
            return secured(refusal(request, 403, "Your session has ended: sign in again."))
        request.state.console_session = current
        if request.method not in SAFE_METHODS and not (
            same_origin(request) and await csrf_ok(request, current.csrf)
        ):
            return secured(refusal(request, 403, "This form is out of date or came from another site."))
        if not allows(current.role, role):
            return secured(refusal(request, 403, f"Your role ({current.role}) cannot do this."))
        return secured(await endpoint(request))

    guarded.__name__ = getattr(endpoint, "__name__", "console")
    guarded.__doc__ = endpoint.__doc__
    return guarded


class ConsoleRoute(Route):
    """A console route: `role` is the least role that may use it, or PUBLIC (sign-in, static files)."""

    def __init__(
        self, path: str, endpoint: Endpoint, *, role: Role, methods: Sequence[str] = ("GET",)
    ) -> None:
        if role != PUBLIC and role not in ROLES:
            raise ValueError(f"{path}: unknown role {role!r}")
        self.role = role
        super().__init__(path, guard(endpoint, role), methods=list(methods))


def public_routes(routes: Sequence[Route]) -> list[ConsoleRoute]:
    """Routes another module serves under /console to people not signed in yet (an identity
    provider's start and callback): as console routes, so they get the console's headers and the
    route list knows them."""
    return [
        ConsoleRoute(
            route.path, route.endpoint, role=PUBLIC, methods=sorted((route.methods or {"GET"}) - {"HEAD"})
        )
        for route in routes
    ]
