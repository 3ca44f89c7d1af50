"""The web console: server-rendered pages at /console on the service's port, behind sign-in."""

from __future__ import annotations

from starlette.routing import BaseRoute

from hirebridge.web.console import (
    audit,
    failures,
    overview,
    packets,
    recipes,
    signin,
    static,
    subjects,
    users,
)
from hirebridge.web.console.access import public_routes
from hirebridge.web.console.context import ConsoleContext
from hirebridge.web.console.signin import sign_in_verified

__all__ = ["ROUTES", "ConsoleContext", "public_routes", "sign_in_verified"]

ROUTES: list[BaseRoute] = [
    *static.ROUTES,
    *signin.ROUTES,
    *overview.ROUTES,
    *subjects.ROUTES,
    *failures.ROUTES,
    *packets.ROUTES,
    *recipes.ROUTES,
    *audit.ROUTES,
    *users.ROUTES,
]
