"""The loaded configuration as tables: per recipe its `when`, its actions and its allowlist, what
the rollout of a changed configuration still has to apply, and the latest plan of every subject
(operators ask for one; it runs in the background)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hirebridge.web.console.access import ConsoleRoute, allows
from hirebridge.web.console.context import facade, session
from hirebridge.web.console.render import render


async def recipes(request: Request) -> Response:
    return render(
        request,
        "recipes.html",
        title="Recipes",
        view=await facade(request).recipes(),
        can_plan=allows(session(request).role, "operator"),
        planned=request.query_params.get("planned") == "1",
    )


async def plan(request: Request) -> Response:
    await facade(request).request_plan(session(request).email)
    return RedirectResponse("/console/recipes?planned=1#plan-title", status_code=303)


ROUTES = [
    ConsoleRoute("/console/recipes", recipes, role="viewer"),
    ConsoleRoute("/console/recipes/plan", plan, role="operator", methods=["POST"]),
]
