"""OAuth 2.0 as Justworks documents it: the authorization-code grant and rotating refresh tokens only."""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from hirebridge.sims.justworks.bearer import SCOPES
from hirebridge.sims.justworks.clock import iso
from hirebridge.sims.justworks.state import State, sim

router = APIRouter()


def oauth_error(code: str, description: str, status: int = 400) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    return JSONResponse(
        {"error": code, "error_description": description}, status_code=status, headers=headers
    )


def parse_scope(text: str | None) -> list[str] | None:
    """The requested scopes, all scopes when none are asked for, None when one is unknown."""
    wanted = text.split() if text else list(SCOPES)
    return wanted if all(s in SCOPES for s in wanted) else None


def issue(state: State, client_id: str, scopes: list[str]) -> dict[str, Any]:
    now = state.clock.now()
    access, refresh = f"jwat_{secrets.token_urlsafe(24)}", f"jwrt_{secrets.token_urlsafe(24)}"
    ttl = state.config.access_token_ttl_seconds
    grant = {"client_id": client_id, "scopes": scopes}
    state.tokens[access] = {**grant, "expires_at": now + timedelta(seconds=ttl)}
    refresh_expiry = now + timedelta(seconds=state.config.refresh_token_ttl_seconds)
    state.refresh_tokens[refresh] = {**grant, "expires_at": refresh_expiry}
    return {
        "token_type": "bearer",
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": ttl,
        "expires_at": iso(now + timedelta(seconds=ttl)),
        "scope": " ".join(scopes),
    }


def _client(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return user, password
        except (ValueError, UnicodeDecodeError):
            return "", ""
    return form.get("client_id", ""), form.get("client_secret", "")


@router.post("/oauth/token")
async def token(request: Request) -> JSONResponse:
    state = sim(request)
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded")
    form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    client_id, secret = _client(request, form)
    if state.clients.get(client_id) != secret or not secret:
        return oauth_error("invalid_client", "unknown client or wrong secret", 401)
    grant_type = form.get("grant_type", "")
    if grant_type == "authorization_code":
        code = state.codes.pop(form.get("code", ""), None)
        if code is None or code["client_id"] != client_id or code["expires_at"] <= state.clock.now():
            return oauth_error("invalid_grant", "the authorization code is invalid, used or expired")
        if code["redirect_uri"] != form.get("redirect_uri", ""):
            return oauth_error("invalid_grant", "redirect_uri does not match the authorization request")
        return _issued(state, client_id, code["scopes"])
    if grant_type == "refresh_token":
        # Rotation: the presented refresh token is spent whether or not it was still valid.
        grant = state.refresh_tokens.pop(form.get("refresh_token", ""), None)
        if grant is None or grant["client_id"] != client_id or grant["expires_at"] <= state.clock.now():
            return oauth_error("invalid_grant", "the refresh token is invalid, rotated or expired")
        return _issued(state, client_id, grant["scopes"])
    if not grant_type:
        return oauth_error("invalid_request", "grant_type is required")
    return oauth_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


def _issued(state: State, client_id: str, scopes: list[str]) -> JSONResponse:
    body = issue(state, client_id, scopes)
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.get("/oauth/authorize", response_model=None)
async def authorize(request: Request) -> RedirectResponse | JSONResponse:
    state, query = sim(request), request.query_params
    redirect_uri = query.get("redirect_uri", "")
    if query.get("client_id") not in state.clients or not redirect_uri.startswith(("http://", "https://")):
        return oauth_error("invalid_request", "unknown client_id or missing redirect_uri")
    back: dict[str, str] = {"state": query["state"]} if "state" in query else {}
    scopes = parse_scope(query.get("scope"))
    if query.get("response_type") != "code":
        back["error"] = "unsupported_response_type"
    elif scopes is None:
        back["error"] = "invalid_scope"
    elif query.get("sim_decision") == "deny":
        back["error"] = "access_denied"
    else:
        code = f"jwac_{secrets.token_urlsafe(18)}"
        expires = state.clock.now() + timedelta(seconds=state.config.authorization_code_ttl_seconds)
        grant = {"client_id": query["client_id"], "redirect_uri": redirect_uri, "scopes": scopes}
        state.codes[code] = {**grant, "expires_at": expires}
        back = {"code": code, **back}
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{urlencode(back)}", status_code=302)


@router.post("/v1/oauth/revoke")
async def revoke(request: Request) -> JSONResponse:
    state = sim(request)
    form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    client_id, secret = _client(request, form)
    if state.clients.get(client_id) != secret or not secret:
        return oauth_error("invalid_client", "unknown client or wrong secret", 401)
    for store in (state.tokens, state.refresh_tokens):
        if store.get(form.get("token", ""), {}).get("client_id") == client_id:
            del store[form["token"]]
    return JSONResponse({})
