"""The token endpoint and UserInfo (OpenID Connect Core 1.0, sections 3.1.3 and 5.3; RFC 6749,
sections 2.3.1, 4.1.3 and 5.2; RFC 7636, section 4.6)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse

from hirebridge.sims.oidc.state import ACCESS_TOKEN_SECONDS, State, sim

VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(code: str, description: str, status: int = 400, **headers: str) -> JSONResponse:
    body = {"error": code, "error_description": description}
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **headers})


def _client(request: Request, form: dict[str, str]) -> tuple[str, str, str] | None:
    """(client_id, secret, method), or None when the client authenticates more than one way."""
    header = request.headers.get("authorization", "")
    in_form = "client_secret" in form
    if header.lower().startswith("basic "):
        if in_form:  # RFC 6749, section 2.3.1: one authentication method per request
            return None
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", "", "basic"
        return unquote_plus(user), unquote_plus(password), "basic"
    return form.get("client_id", ""), form.get("client_secret", ""), "post"


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def token(request: Request) -> JSONResponse:
    state = sim(request)
    state.token_requests += 1
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded")
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    found = _client(request, form)
    if found is None:
        return oauth_error("invalid_request", "the client authenticated more than one way")
    client_id, secret, method = found
    client = state.clients.get(client_id)
    if client is None or not secret or not secrets.compare_digest(client.secret, secret):
        challenge = {"WWW-Authenticate": 'Basic realm="token"'} if method == "basic" else {}
        return oauth_error("invalid_client", "unknown client or wrong secret", 401, **challenge)
    if form.get("grant_type") != "authorization_code":
        return oauth_error("unsupported_grant_type", "only authorization_code is supported")
    return _exchange(state, client_id, form)


def _exchange(state: State, client_id: str, form: dict[str, str]) -> JSONResponse:
    code = form.get("code", "")
    spent = state.spent_codes.get(code)
    if spent is not None:
        # RFC 6749, section 4.1.2: a code presented twice revokes what it was exchanged for.
        state.access_tokens.pop(spent.access_token or "", None)
        return oauth_error("invalid_grant", "the authorization code was already used")
    grant = state.codes.pop(code, None)
    if grant is None or grant.client_id != client_id:
        return oauth_error("invalid_grant", "unknown authorization code")
    state.spent_codes[code] = grant
    if grant.expires_at <= state.now():
        return oauth_error("invalid_grant", "the authorization code has expired")
    if form.get("redirect_uri") != grant.redirect_uri:
        return oauth_error("invalid_grant", "redirect_uri is not the authorization request's")
    verifier = form.get("code_verifier", "")
    if not VERIFIER.match(verifier) or not secrets.compare_digest(_challenge(verifier), grant.code_challenge):
        return oauth_error("invalid_grant", "code_verifier does not match the code_challenge")
    access = secrets.token_urlsafe(24)
    grant.access_token = access
    grant.expires_at = state.now() + ACCESS_TOKEN_SECONDS
    state.access_tokens[access] = grant
    body = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "scope": " ".join(grant.scopes),
        "id_token": state.id_token(grant),
    }
    return JSONResponse(body, headers=NO_STORE)


async def userinfo(request: Request) -> JSONResponse:
    state = sim(request)
    header = request.headers.get("authorization", "")
    grant = state.access_tokens.get(header[7:]) if header.lower().startswith("bearer ") else None
    if grant is None or grant.expires_at <= state.now():
        # RFC 6750, section 3.1.
        return JSONResponse(
            {"error": "invalid_token"},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return JSONResponse({"sub": grant.user.subject, **state.profile(grant)}, headers=NO_STORE)
