"""The authorization endpoint: checks the request, shows a sign-in form for the test users, and sends
the browser back with a code (OpenID Connect Core 1.0, section 3.1.2; RFC 6749, section 4.1;
RFC 7636 for PKCE; RFC 9207 for `iss`)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from html import escape
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from hirebridge.sims.oidc.state import CODE_SECONDS, Grant, State, sim

PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge")
PARAMS += ("code_challenge_method",)
CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"</head><body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _refusal(state: State, params: Mapping[str, str]) -> str | None:
    """Why the request cannot even be answered by a redirect (unknown client, unregistered address)."""
    client = state.clients.get(params.get("client_id", ""))
    if client is None:
        return "unknown client_id"
    # OpenID Connect Core 1.0, section 3.1.2.1: an exact match with a registered redirection URI.
    if params.get("redirect_uri") not in client.redirect_uris:
        return "redirect_uri is not registered for this client"
    return None


def _error(params: Mapping[str, str]) -> tuple[str, str] | None:
    """An error to send back to the client (RFC 6749, section 4.1.2.1)."""
    if params.get("response_type") != "code":
        return "unsupported_response_type", "only the authorization code flow (response_type=code)"
    if "openid" not in params.get("scope", "").split():
        return "invalid_scope", "scope must include openid"
    # PKCE is required, and only S256 (the stricter reading of RFC 7636, section 4.2).
    if params.get("code_challenge_method") != "S256":
        return "invalid_request", "code_challenge_method must be S256"
    if not CHALLENGE.match(params.get("code_challenge", "")):
        return "invalid_request", "code_challenge must be a base64url SHA-256 digest (43 characters)"
    return None


def _back(state: State, params: Mapping[str, str], answer: dict[str, str]) -> RedirectResponse:
    if "state" in params:
        answer["state"] = params["state"]
    answer["iss"] = state.issuer
    uri = params["redirect_uri"]
    return RedirectResponse(f"{uri}{'&' if '?' in uri else '?'}{urlencode(answer)}", status_code=302)


def _form(state: State, params: Mapping[str, str], problem: str = "", status: int = 200) -> HTMLResponse:
    hidden = "".join(
        f"<input type='hidden' name='{name}' value='{escape(params[name], quote=True)}'>"
        for name in PARAMS
        if name in params
    )
    users = "".join(f"<li>{escape(email)}</li>" for email in state.users)
    alert = f"<p role='alert'>{escape(problem)}</p>" if problem else ""
    body = (
        f"{alert}<form method='post' action='authorize'>{hidden}"
        "<p><label for='email'>Email</label> <input id='email' name='email' type='email' required></p>"
        "<p><label for='password'>Password</label> "
        "<input id='password' name='password' type='password' required></p>"
        "<p><button name='decision' value='allow'>Sign in</button> "
        "<button name='decision' value='deny' formnovalidate>Cancel</button></p></form>"
        f"<p>Test users (password <code>sim-password</code>):</p><ul>{users}</ul>"
    )
    return _page("Sign in to the OpenID Connect simulator", body, status)


async def authorize(request: Request) -> Response:
    state = sim(request)
    if request.method == "POST":
        params = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    else:
        params = dict(request.query_params)
    refusal = _refusal(state, params)
    if refusal:  # never redirect to an address the client did not register
        return _page("Sign-in request refused", f"<p>{escape(refusal)}</p>", status=400)
    error = _error(params)
    if error:
        return _back(state, params, {"error": error[0], "error_description": error[1]})
    if request.method == "GET":
        return _form(state, params)
    if params.get("decision") == "deny":
        return _back(state, params, {"error": "access_denied", "error_description": "the user cancelled"})
    user = state.users.get(params.get("email", "").strip().lower())
    if user is None or not secrets.compare_digest(user.password, params.get("password", "")):
        return _form(state, params, "Wrong email or password.", status=401)
    code = secrets.token_urlsafe(24)
    state.codes[code] = Grant(
        client_id=params["client_id"],
        user=user,
        scopes=params["scope"].split(),
        redirect_uri=params["redirect_uri"],
        nonce=params.get("nonce"),
        code_challenge=params["code_challenge"],
        expires_at=state.now() + CODE_SECONDS,
    )
    return _back(state, params, {"code": code})
