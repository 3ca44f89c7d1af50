"""Field values in the shape Jira wants for each field's schema (fields are named in recipes)."""

from __future__ import annotations

from typing import Any

from hirebridge.connectors.errors import Rejected
from hirebridge.connectors.jira import JiraClient
from hirebridge.domain.adf import plain_text_adf

TEXTAREA = "com.atlassian.jira.plugin.system.customfieldtypes:textarea"


async def field_value(client: JiraClient, meta: dict[str, Any], value: str, *, adf: bool = True) -> Any:
    """`value` rendered by a template → the JSON Jira expects, from the field's schema
    (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post)."""
    schema = meta.get("schema") or {}
    kind, items = schema.get("type"), schema.get("items")
    if kind == "option":
        return {"value": value}
    if kind == "array" and items == "option":
        return [{"value": v.strip()} for v in value.split(",") if v.strip()]
    if kind == "array" and items == "string":
        return [v.strip() for v in value.split(",") if v.strip()]
    if kind == "number":
        try:
            return float(value)
        except ValueError as exc:
            wants = f"field '{meta.get('name')}' wants a number"
            raise Rejected(f"{wants}, the recipe gave {value!r}", summary=wants) from exc
    if kind == "user":
        account = await client.account_id(value)
        if account is None:
            # Jira cannot find a user by an email their profile hides: an accountId, or the connection's
            # `users` map, names them.
            missing = f"field '{meta.get('name')}': Jira finds no user with the email"
            fix = "(if their profile hides it, give the accountId or map it under jira.<name>.users)"
            raise Rejected(f"{missing} {value!r} {fix}", summary=f"{missing} the recipe gave")
        return {"accountId": account}
    if kind == "string" and schema.get("custom") == TEXTAREA and adf:
        return plain_text_adf(value)
    return value


async def named_fields(
    client: JiraClient, named: tuple[tuple[str, Any], ...], *, adf: bool = True
) -> dict[str, Any]:
    known = await client.fields()
    out: dict[str, Any] = {}
    for name, value in named:
        meta = known.get(name.lower())
        if meta is None:
            raise Rejected(f"Jira has no field named '{name}'")
        out[str(meta["id"])] = await field_value(client, meta, str(value), adf=adf)
    return out
