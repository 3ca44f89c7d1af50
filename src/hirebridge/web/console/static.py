"""The console's stylesheet and script, served from this origin (the CSP allows no other)."""

from __future__ import annotations

from importlib import resources

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.web.console.access import PUBLIC, ConsoleRoute

_FILES = {
    "console.css": (
        "text/css",
        resources.files("hirebridge.web").joinpath("static/console.css").read_bytes(),
    ),
    "console.js": (
        "text/javascript",
        resources.files("hirebridge.web").joinpath("static/console.js").read_bytes(),
    ),
}


async def static_file(request: Request) -> Response:
    found = _FILES.get(request.path_params["name"])
    if found is None:
        return Response("not found", status_code=404, media_type="text/plain")
    media_type, body = found
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


ROUTES = [ConsoleRoute("/console/static/{name}", static_file, role=PUBLIC)]
