"""Response shapes: the opportunity as Lever renders it, `expand`/`include`, and offset-token paging."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request

from hirebridge.sims.lever.errors import bad_request
from hirebridge.sims.lever.store import Record, Store

OPPORTUNITY_EXPANDS = ("applications", "stage", "owner", "followers", "sourcedBy", "contact")


def multi(request: Request, name: str) -> list[str]:
    values = request.query_params.getlist(name) + request.query_params.getlist(f"{name}[]")
    return [part for value in values for part in value.split(",") if part]


def contact(store: Store, contact_id: str) -> Record:
    c = store.contacts[contact_id]
    keys = ("id", "name", "headline", "isAnonymized", "location", "emails", "phones")
    return copy.deepcopy({k: c[k] for k in keys})


def opportunity(store: Store, opp: Record) -> Record:
    c = store.contacts[opp["contact"]]
    return copy.deepcopy(
        {
            "id": opp["id"],
            "name": c["name"],
            "headline": c["headline"],
            "contact": c["id"],
            "emails": c["emails"],
            "phones": c["phones"],
            "confidentiality": opp["confidentiality"],
            "location": c["location"]["name"],
            "links": c["links"],
            "archived": opp["archived"],
            "tags": opp["tags"],
            "sources": opp["sources"],
            "stage": opp["stage"],
            "stageChanges": opp["stageChanges"],
            "origin": opp["origin"],
            "sourcedBy": opp["sourcedBy"],
            "owner": opp["owner"],
            "followers": opp["followers"],
            "applications": opp["applications"],
            "createdAt": opp["createdAt"],
            "updatedAt": opp["updatedAt"],
            "lastInteractionAt": opp["lastInteractionAt"],
            "lastAdvancedAt": opp["lastAdvancedAt"],
            "snoozedUntil": opp["snoozedUntil"],
            "urls": {"list": f"{store.site}/candidates", "show": f"{store.site}/candidates/{opp['id']}"},
            "isAnonymized": opp["isAnonymized"],
            "dataProtection": opp["dataProtection"],
            "opportunityLocation": opp["opportunityLocation"],
        }
    )


def _user_or_none(store: Store, user_id: str | None) -> Record | None:
    return copy.deepcopy(store.users[user_id]) if user_id in store.users else None


def _expand(store: Store, item: Record, field: str) -> Any:
    value = item[field]
    if field == "applications":
        return [copy.deepcopy(store.applications[a]) for a in value if a in store.applications]
    if field == "stage":
        return copy.deepcopy(store.stage(value))
    if field == "followers":
        return [u for u in (_user_or_none(store, f) for f in value) if u]
    if field == "contact":
        return contact(store, value)
    return _user_or_none(store, value)


def shape(
    request: Request, render: Callable[[], Record], store: Store, expandable: tuple[str, ...]
) -> Record:
    expand, include = multi(request, "expand"), multi(request, "include")
    unknown = [e for e in expand if e not in expandable]
    if unknown:
        raise bad_request(f"Invalid expand parameter: {unknown[0]}")
    item = render()
    for field in expand:
        item[field] = _expand(store, item, field)
    if include:
        keep = {"id", *include, *expand}
        item = {k: v for k, v in item.items() if k in keep}
    return item


def limit_of(request: Request) -> int:
    raw = request.query_params.get("limit", "100")
    try:
        limit = int(raw)
    except ValueError:
        raise bad_request(f"Invalid value for limit: {raw}") from None
    if not 1 <= limit <= 100:
        raise bad_request("limit must be between 1 and 100")
    return limit


def page(request: Request, items: list[Record], stamp: str = "createdAt") -> Record:
    """One page of `items` (already filtered), newest first by (`stamp`, id), with Lever's offset tokens.

    Lever's lists come back newest first, and its token is the sort key of the last item given,
    URL-encoded JSON `[1, <ms>, "<id>"]` (a real sandbox page captured in amp-labs/connectors,
    providers/lever/test/opportunities.json): any well-formed token is valid, whoever got it, and the
    next page starts strictly after it.
    """
    limit = limit_of(request)
    items = sorted(items, key=lambda i: (i.get(stamp) or 0, i["id"]), reverse=True)
    start = 0
    offset = request.query_params.get("offset")
    if offset:
        at, last_id = _sort_key(offset)
        start = next(
            (n for n, i in enumerate(items) if ((i.get(stamp) or 0), i["id"]) < (at, last_id)), len(items)
        )
    chunk = items[start : start + limit]
    body: Record = {"data": chunk, "hasNext": start + limit < len(items)}
    if body["hasNext"]:
        last = chunk[-1]
        body["next"] = quote(
            json.dumps([1, last.get(stamp) or 0, last["id"]], separators=(",", ":")), safe=""
        )
    return body


def _sort_key(offset: str) -> tuple[int, str]:
    text = unquote(offset) if offset.startswith("%") else offset
    try:
        key = json.loads(text)
    except ValueError:
        key = None
    valid = (
        isinstance(key, list)
        and len(key) == 3
        and key[0] == 1
        and isinstance(key[1], int)
        and not isinstance(key[1], bool)
        and isinstance(key[2], str)
    )
    if not valid:
        raise bad_request("Invalid offset token: Offset token is invalid for sort")
    return key[1], key[2]


def ms_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"Invalid value for {name}: {raw}") from None


def in_window(value: int | None, start: int | None, end: int | None) -> bool:
    if start is None and end is None:
        return True
    if value is None:
        return False
    return (start is None or value >= start) and (end is None or value <= end)


async def json_body(request: Request) -> Record:
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise bad_request("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body


def one(item: Record) -> Record:
    return {"data": item}
