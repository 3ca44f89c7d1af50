"""The shape of a pending-hire create request and its stored, normalized form."""

from __future__ import annotations

from typing import Any

TOP_LEVEL = {
    "source", "source_ref", "member_type", "first_name", "last_name", "title", "manager", "department",
    "office", "start_date", "home_email", "work_email", "compensation", "exemption_status", "invite",
}  # fmt: skip
NESTED = {
    "source_ref": {"opportunity_id", "offer_id", "lever_event_token"},
    "compensation": {"type_of_earnings", "amount", "currency"},
    "manager": {"member_id"},
    "department": {"id", "name"},
    "office": {"id", "name"},
    "invite": {"send_to", "note"},
}
CONTENT = (
    "member_type", "first_name", "last_name", "title", "manager", "department", "office", "start_date",
    "home_email", "work_email", "compensation", "exemption_status",
)  # fmt: skip


def resolve(ref: Any, items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Match a `{id}` or `{name}` (or both, consistently) reference; names match exactly."""
    if not isinstance(ref, dict) or ("id" not in ref and "name" not in ref):
        return None
    for item in items:
        if all(ref[k] == item[k] for k in ("id", "name") if k in ref):
            return {"id": item["id"], "name": item["name"]}
    return None


def normalize(body: dict[str, Any], company: dict[str, Any]) -> dict[str, Any]:
    ref = body["source_ref"]
    pay = body.get("compensation")
    return {
        "source": "lever",
        "source_ref": {k: ref.get(k) for k in ("opportunity_id", "offer_id", "lever_event_token")},
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


def content(record: dict[str, Any]) -> dict[str, Any]:
    # The Lever event token differs between retries of the same hire, so it is not content.
    return {**{k: record[k] for k in CONTENT}, "offer_id": record["source_ref"]["offer_id"]}
