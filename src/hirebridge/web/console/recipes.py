"""The loaded configuration as tables: per recipe its `when`, its actions and its allowlist, and
what the rollout of a changed configuration still has to apply."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.web.console.access import ConsoleRoute
from hirebridge.web.console.context import facade
from hirebridge.web.console.render import render


async def recipes(request: Request) -> Response:
    return render(request, "recipes.html", title="Recipes", view=await facade(request).recipes())


ROUTES = [ConsoleRoute("/console/recipes", recipes, role="viewer")]
