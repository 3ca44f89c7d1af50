"""Headers on every console answer: no inline script or style, never framed, never cached, no
referrer beyond our origin, no type sniffing."""

from __future__ import annotations

from starlette.responses import Response

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def secured(response: Response) -> Response:
    response.headers.update(HEADERS)
    # Pages show what a signed-in person may see: never kept by a cache (static files say otherwise).
    response.headers.setdefault("Cache-Control", "no-store")
    return response
