"""Enhanced search (`search/jql`) over an eventually consistent index, and the removed old search."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira import issue_view, jql
from hirebridge.sims.jira.errors import SEARCH_GONE, JiraError
from hirebridge.sims.jira.http import Ctx, body, ctx, ok, platform
from hirebridge.sims.jira.state import Issue

POST_KEYS = {
    "jql",
    "nextPageToken",
    "maxResults",
    "fields",
    "expand",
    "properties",
    "fieldsByKeys",
    "failFast",
    "reconcileIssues",
}
BAD_TOKEN = "The provided next page token is invalid or expired."


def _token(offset: int, query: str) -> str:
    raw = json.dumps({"o": offset, "q": hashlib.sha1(query.encode()).hexdigest()[:12]}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(token: str | None, query: str) -> int:
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["q"] != hashlib.sha1(query.encode()).hexdigest()[:12]:
            raise ValueError
        return int(data["o"])
    except (ValueError, KeyError, TypeError):
        raise JiraError(400, [BAD_TOKEN], {}) from None


def _list(value: Any) -> list[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    return [p.strip() for item in items for p in str(item).split(",") if p.strip()]


def search(c: Ctx, params: dict[str, Any]) -> dict[str, Any]:
    text = str(params.get("jql") or "")
    query = jql.parse(text)
    jql.validate(c.state, query)
    reconcile_raw = _list(params.get("reconcileIssues")) or []
    if len(reconcile_raw) > 50:
        raise JiraError(400, ["The number of issues to reconcile must not exceed 50."], {})
    try:
        reconcile = {str(int(x)) for x in reconcile_raw}
    except ValueError:
        raise JiraError(400, ["reconcileIssues must contain issue ids (numbers)."], {}) from None
    chosen = issue_view.select_fields(c.state, _list(params.get("fields")), "id")
    try:
        wanted = int(params.get("maxResults") or 50)
    except ValueError:
        raise JiraError(400, ["The 'maxResults' parameter must be an integer."], {}) from None
    limit = max(1, min(wanted, 5000 if chosen <= {"id", "key"} else 100))
    start = _offset(params.get("nextPageToken"), text)
    found: list[Issue] = [i for i in c.state.searchable(reconcile) if jql.matches(c.state, query, i, c.actor)]
    page = jql.sort(c.state, query, found)[start : start + limit]
    expand = set(_list(params.get("expand")) or [])
    props = _list(params.get("properties"))
    if props and len(props) > 5:
        raise JiraError(400, ["The number of properties must not exceed 5."], {})
    issues = []
    for issue in page:
        if chosen == {"id"} and not expand and not props:
            issues.append({"id": issue.id})
        else:
            issues.append(issue_view.bean(c.state, issue, c.base, c.v, chosen, expand, props))
    out: dict[str, Any] = {"issues": issues, "isLast": start + len(page) >= len(found)}
    if not out["isLast"]:
        out["nextPageToken"] = _token(start + len(page), text)
    if "names" in expand:
        names = c.state.site.field_names()
        out["names"] = {k: names[k] for k in chosen if k in names}
    return out


async def search_get(request: Request) -> Response:
    params: dict[str, Any] = dict(request.query_params)
    for multi in ("fields", "properties", "reconcileIssues", "expand"):
        if multi in request.query_params:
            params[multi] = request.query_params.getlist(multi)
    return ok(search(ctx(request), params))


async def search_post(request: Request) -> Response:
    data = await body(request)
    if not isinstance(data, dict):
        raise JiraError(400, ["The request body must be a JSON object."], {})
    unknown = sorted(set(data) - POST_KEYS)
    if unknown:
        raise JiraError(400, [f'Unrecognized field "{unknown[0]}", not marked as ignorable.'], {})
    return ok(search(ctx(request), data))


async def approximate_count(request: Request) -> Response:
    c = ctx(request)
    data = await body(request)
    query = jql.parse(str((data or {}).get("jql") or ""))
    jql.validate(c.state, query)
    return ok({"count": sum(1 for i in c.state.searchable(set()) if jql.matches(c.state, query, i, c.actor))})


async def removed(request: Request) -> Response:
    raise JiraError(410, [SEARCH_GONE], {})


ROUTES = platform(
    [
        ("/search/jql", ["GET"], search_get),
        ("/search/jql", ["POST"], search_post),
        ("/search/approximate-count", ["POST"], approximate_count),
        ("/search", ["GET", "POST"], removed),
        ("/search/id", ["POST"], removed),
    ]
)
