"""The "Add a person" form an admin fills in Justworks, as a JSON body (Justworks Help Center,
"Adding a person or vendor").

Justworks has no API for this: the form is its web UI. The simulator takes it on its control API so
that tests and the demo can act as the admin; its field names are the simulator's own.
"""

from __future__ import annotations

from typing import Any

TOP_LEVEL = {
    "member_type", "first_name", "last_name", "title", "manager", "department", "office", "start_date",
    "home_email", "work_email", "compensation", "exemption_status", "invite",
}  # fmt: skip
NESTED = {
    "compensation": {"type_of_earnings", "amount", "currency"},
    "manager": {"member_id"},
    "department": {"id", "name"},
    "office": {"id", "name"},
    "invite": {"when", "send_to", "note"},
}


def resolve(ref: Any, items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Match a `{id}` or `{name}` (or both, consistently) reference; names match exactly."""
    if not isinstance(ref, dict) or ("id" not in ref and "name" not in ref):
        return None
    for item in items:
        if all(ref[k] == item[k] for k in ("id", "name") if k in ref):
            return {"id": item["id"], "name": item["name"]}
    return None


def normalize(body: dict[str, Any], company: dict[str, Any]) -> dict[str, Any]:
    pay = body.get("compensation")
    return {
        "member_type": body["member_type"],
        "first_name": body["first_name"].strip(),
        "last_name": body["last_name"].strip(),
        "title": body.get("title"),
        "manager": {"member_id": body["manager"]["member_id"]} if body.get("manager") else None,
        "department": resolve(body.get("department"), company["departments"]),
        "office": resolve(body.get("office"), company["offices"]),
        "start_date": body["start_date"],
        "home_email": body.get("home_email") or None,
        "work_email": body.get("work_email") or None,
        "compensation": {k: pay[k] for k in ("type_of_earnings", "amount", "currency")} if pay else None,
        "exemption_status": body.get("exemption_status"),
    }
