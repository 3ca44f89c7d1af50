"""Jira Service Management requests: raised through the desk's request type, then labelled."""

from __future__ import annotations

from typing import Any

from hirebridge.connectors.errors import Rejected
from hirebridge.connectors.jira import request_field_value
from hirebridge.domain.plan import CreateRequest
from hirebridge.runtime.effect_context import EffectContext, with_marker


async def create_request(ctx: EffectContext, action: CreateRequest) -> None:
    desired = action.desired
    assert desired.content is not None
    content = desired.content
    client = ctx.jira[desired.connection]
    desk = await client.service_desk(content.service_desk)
    if desk is None:
        raise Rejected(f"Jira has no service desk '{content.service_desk}'")
    desk_id = str(desk["id"])
    kind = next(
        (
            t
            for t in await client.request_types(desk_id)
            if str(t.get("name", "")).lower() == content.request_type.lower()
        ),
        None,
    )
    if kind is None:
        raise Rejected(f"service desk '{content.service_desk}' has no request type '{content.request_type}'")
    type_fields = {
        str(f.get("name", "")).lower(): f for f in await client.request_type_fields(desk_id, kind["id"])
    }
    marker = await ctx.intend(desired, kind="jsm_request", target=f"jira:{desired.connection}")
    values: dict[str, Any] = {
        "summary": content.summary[:255],
        "description": with_marker(content.description or "", marker),
    }
    for name, value in content.fields:
        meta = type_fields.get(name.lower())
        if meta is None:
            raise Rejected(f"request type '{content.request_type}' has no field '{name}'")
        values[str(meta["fieldId"])] = request_field_value(meta, value)
    created = await client.create_request(desk_id, str(kind["id"]), values)
    key = str(created["issueKey"])
    # Request forms have no labels; label it now so a crash can be resolved like an issue's.
    await client.add_labels(key, [marker])
    await ctx.done(
        desired,
        str(created.get("issueId", "")),
        key,
        client.browse_url(key),
        status="",
        content_hash=content.digest,
    )
