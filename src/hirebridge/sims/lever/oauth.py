"""Lever's OAuth 2.0 (auth.lever.co, an Auth0 tenant): authorize, code → token, rotating refresh tokens.

Served at the simulator's root (`/authorize`, `/oauth/token`) so a client's auth base URL is the
simulator's URL. Access tokens live 1 hour and refresh tokens expire after a year or 90 days without
use, all on the virtual clock (Lever's API documentation, "OAuth"). A refresh token is spent when
used; presenting a spent one again revokes the whole grant, as Auth0's reuse detection does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from hirebridge.sims.lever.clock import Clock

router = APIRouter()


def sim_of(request: Request) -> Any:
    # Not sim.sim_of: the Sim holds an OAuthState, so this module cannot import sim.py.
    return request.app.state.sim


# The sample client of Lever's API documentation ("OAuth").
DEFAULT_CLIENTS = [
    {"client_id": "odduLmYKvgG5sHr6IO5KskcSpuGA2D", "client_secret": "uLmYKvgG5sHr6IO5KskcSpuGA2Dodd"}
]
ACCESS_TTL_MS = 3600 * 1000
CODE_TTL_MS = 10 * 60 * 1000
REFRESH_IDLE_MS = 90 * 86400 * 1000
REFRESH_ABSOLUTE_MS = 365 * 86400 * 1000
CONFIDENTIAL_SCOPE = "confidential:access:admin"
_RESOURCES = (
    "applications archive_reasons audit_events contact diversity_surveys eeo_responses eeo_responses_pii "
    "feedback feedback_templates files form_templates forms groups interviews notes offers opportunities "
    "panels permissions postings referrals requisition_fields requisitions resumes roles sources stages "
    "tags tasks uploads users webhooks"
).split()
SCOPES = frozenset(
    {"offline_access", CONFIDENTIAL_SCOPE}
    | {f"{r}:read:admin" for r in _RESOURCES}
    | {f"{r}:write:admin" for r in _RESOURCES}
) - {"offers:write:admin", "audit_events:write:admin", "tasks:write:admin", "uploads:read:admin"}
# Sub-resources of an opportunity that have scopes of their own; other sub-paths are opportunity writes.
_OPPORTUNITY_PARTS = {
    "notes": "notes", "offers": "offers", "feedback": "feedback", "interviews": "interviews",
    "panels": "panels", "forms": "forms", "files": "files", "resumes": "resumes", "referrals": "referrals",
}  # fmt: skip
_TOP = {"contacts": "contact", "deleted": "opportunities"}


@dataclass
class Grant:
    """One app authorized by one Super Admin; every token issued from it dies with it."""

    id: str
    client_id: str
    user: str
    scopes: list[str]
    created_at: int
    idle_until: int
    revoked: bool = False


@dataclass
class OAuthState:
    clock: Clock
    clients: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    access: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh: dict[str, dict[str, Any]] = field(default_factory=dict)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def load(self, clients: list[dict[str, Any]] | None) -> None:
        self.clients = {c["client_id"]: dict(c) for c in (clients or DEFAULT_CLIENTS)}
        self.codes.clear()
        self.grants.clear()
        self.access.clear()
        self.refresh.clear()

    def bearer(self, token: str) -> tuple[Grant | None, str | None]:
        """The live grant behind an access token, or None and why it is refused."""
        entry = self.access.get(token)
        if entry is None:
            return None, None
        grant = self.grants[entry["grant"]]
        if grant.revoked:
            return None, "The access token has been revoked"
        if entry["expires_at"] <= self.clock.now():
            return None, "The access token has expired"
        return grant, None

    def issue(self, grant: Grant) -> dict[str, Any]:
        now = self.clock.now()
        access = self._jwt(grant, now)
        self.access[access] = {"grant": grant.id, "expires_at": now + ACCESS_TTL_MS}
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "scope": " ".join(s for s in grant.scopes if s != "offline_access"),
            "expires_in": ACCESS_TTL_MS // 1000,
        }
        if "offline_access" in grant.scopes:
            refresh = "v1." + secrets.token_urlsafe(64)
            self.refresh[refresh] = {"grant": grant.id, "spent": False}
            grant.idle_until = now + REFRESH_IDLE_MS
            body["refresh_token"] = refresh
        return body

    def _jwt(self, grant: Grant, now: int) -> str:
        def part(value: dict[str, Any]) -> str:
            raw = json.dumps(value, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        claims = {
            "https://oauth.lever.co/userId": grant.user,
            "https://oauth.lever.co/clientId": grant.client_id,
            "iss": "https://auth.lever.co/",
            "sub": f"{grant.user}@clients",
            "aud": "https://api.lever.co/v1/",
            "iat": now // 1000,
            "exp": (now + ACCESS_TTL_MS) // 1000,
            "azp": grant.client_id,
            "scope": " ".join(grant.scopes),
            "jti": secrets.token_hex(8),
        }
        signing = f"{part({'alg': 'HS512', 'v': '2.0', 'typ': 'JWT'})}.{part(claims)}"
        mac = hmac.new(self.secret, signing.encode(), hashlib.sha512).digest()
        return f"{signing}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def required_scope(method: str, path: str) -> str | None:
    """The scope a `/v1` route needs (a write scope also grants reading), None for unknown routes."""
    parts = [p for p in path.split("/") if p][1:]
    if not parts:
        return None
    resource = _TOP.get(parts[0], parts[0])
    if resource == "opportunities" and len(parts) >= 3 and parts[1] != "deleted":
        resource = _OPPORTUNITY_PARTS.get(parts[2], "opportunities")
        if resource == "opportunities":
            return "opportunities:write:admin" if method != "GET" else "opportunities:read:admin"
    if resource == "postings" and len(parts) >= 3 and parts[2] == "apply" and method == "POST":
        return "opportunities:write:admin"
    if resource not in _RESOURCES:
        return None
    return f"{resource}:{'read' if method in ('GET', 'HEAD') else 'write'}:admin"


def holds(scopes: list[str], needed: str) -> bool:
    return needed in scopes or needed.replace(":read:", ":write:") in scopes


def _error(code: str, description: str, status: int) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=status)


def _back(redirect_uri: str, params: dict[str, str]) -> RedirectResponse:
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{urlencode(params)}", status_code=302)


@router.get("/authorize", response_model=None)
async def authorize(request: Request) -> RedirectResponse | JSONResponse:
    """Stands for the consent page: `sim_user` (email or id, default the first Super Admin) decides,
    `sim_decision=deny` declines. Only a Super Admin can authorize an app (Lever's partner OAuth guide)."""
    sim, query = sim_of(request), request.query_params
    oauth = sim.oauth
    client = oauth.clients.get(query.get("client_id", ""))
    redirect_uri = query.get("redirect_uri", "")
    allowed = client.get("redirect_uris") if client else None
    if client is None or not redirect_uri.startswith(("http://", "https://")):
        return _error("invalid_request", "Unknown client or missing redirect_uri", 400)
    if allowed and redirect_uri not in allowed:
        return _error("invalid_request", "redirect_uri is not registered for this client", 400)
    back = {"state": query["state"]} if "state" in query else {}
    scopes = query.get("scope", "").split()
    problem = None
    if query.get("response_type") != "code":
        problem = "unsupported_response_type", "response_type must be code"
    elif "state" not in query or "audience" not in query:
        problem = "invalid_request", "state and audience are required"
    elif not scopes or any(s not in SCOPES for s in scopes):
        problem = "invalid_scope", "Unknown or missing scope"
    if problem is None:
        user = _consenting_user(sim.store.users, query.get("sim_user"))
        if query.get("sim_decision") == "deny" or user is None:
            problem = "access_denied", "The user denied access or is not a Super Admin"
    if problem is not None:
        return _back(redirect_uri, {**back, "error": problem[0], "error_description": problem[1]})
    code = secrets.token_urlsafe(12)
    oauth.codes[code] = {
        "client_id": client["client_id"],
        "redirect_uri": redirect_uri,
        "user": user,
        "scopes": scopes,
        "expires_at": sim.clock.now() + CODE_TTL_MS,
    }
    return _back(redirect_uri, {**back, "code": code})


def _consenting_user(users: dict[str, dict[str, Any]], wanted: str | None) -> str | None:
    for user in users.values():
        if wanted and wanted not in (user["id"], user["email"]):
            continue
        if user["accessRole"] == "super admin" and user["deactivatedAt"] is None:
            return str(user["id"])
    return None


@router.post("/oauth/token")
async def token(request: Request) -> JSONResponse:
    sim = sim_of(request)
    oauth, now = sim.oauth, sim.clock.now()
    raw = (await request.body()).decode()
    if request.headers.get("content-type", "").startswith("application/json"):
        form = {k: str(v) for k, v in json.loads(raw or "{}").items()}
    else:
        form = dict(parse_qsl(raw, keep_blank_values=True))
    client = oauth.clients.get(form.get("client_id", ""))
    if client is None or not hmac.compare_digest(client["client_secret"], form.get("client_secret", "")):
        return _error("access_denied", "Unauthorized", 401)
    grant_type = form.get("grant_type", "")
    if grant_type == "authorization_code":
        code = oauth.codes.pop(form.get("code", ""), None)
        if code is None or code["client_id"] != client["client_id"] or code["expires_at"] <= now:
            return _error("invalid_grant", "Invalid authorization code", 403)
        if code["redirect_uri"] != form.get("redirect_uri"):
            return _error("invalid_grant", "Redirect URI mismatch", 403)
        grant = Grant(secrets.token_hex(8), client["client_id"], code["user"], code["scopes"], now, now)
        oauth.grants[grant.id] = grant
        return _issued(oauth.issue(grant))
    if grant_type == "refresh_token":
        entry = oauth.refresh.get(form.get("refresh_token", ""))
        grant = oauth.grants[entry["grant"]] if entry else None
        if entry is None or grant is None or grant.client_id != client["client_id"]:
            return _error("invalid_grant", "Unknown or invalid refresh token.", 403)
        if entry["spent"]:
            # Reuse of a rotated token: someone else may hold it, so the whole grant is revoked.
            grant.revoked = True
        if grant.revoked or now >= grant.idle_until or now >= grant.created_at + REFRESH_ABSOLUTE_MS:
            return _error("invalid_grant", "Unknown or invalid refresh token.", 403)
        entry["spent"] = True
        return _issued(oauth.issue(grant))
    return _error("unsupported_grant_type", f"Unsupported grant type: {grant_type}", 400)


def _issued(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.get("/_sim/oauth")
async def grants(request: Request) -> dict[str, Any]:
    """Grants and how many live tokens each has (never the tokens themselves)."""
    oauth = sim_of(request).oauth
    now = oauth.clock.now()
    shown = []
    for grant in oauth.grants.values():
        live_access = [a for a in oauth.access.values() if a["grant"] == grant.id and a["expires_at"] > now]
        unspent = [r for r in oauth.refresh.values() if r["grant"] == grant.id and not r["spent"]]
        shown.append(
            {
                **grant.__dict__,
                "liveAccessTokens": len(live_access),
                "unspentRefreshTokens": len(unspent),
                "refreshes": sum(r["grant"] == grant.id for r in oauth.refresh.values()) - 1,
            }
        )
    return {"data": shown, "clients": [c["client_id"] for c in oauth.clients.values()]}


@router.post("/_sim/oauth/revoke")
async def revoke(request: Request) -> dict[str, Any]:
    """A Super Admin revoking the app in Lever's settings: every grant of `client_id` dies."""
    body = json.loads((await request.body()) or b"{}")
    oauth = sim_of(request).oauth
    revoked = 0
    for grant in oauth.grants.values():
        if grant.client_id == body.get("client_id") and not grant.revoked:
            grant.revoked = True
            revoked += 1
    return {"revoked": revoked}
