"""Offers are read-only in Lever's API; the control API attaches them to opportunities in Lever's shape."""

from __future__ import annotations

from typing import Any

from hirebridge.sims.lever.errors import bad_request
from hirebridge.sims.lever.store import Record, Store, new_id

STATUSES = ("draft", "approval-sent", "approved", "sent", "sent-manually", "opened", "denied", "signed")
LABELS = {
    "job_posting": "Job posting",
    "job_title": "Job title",
    "candidate_name": "Candidate name",
    "team": "Team",
    "location/office": "Office location",
    "requisition": "Requisition",
    "salary_amount": "Offered compensation amount",
    "compensation_currency": "Compensation currency",
    "salary_interval": "Type of earnings",
    "hiring_manager": "Hiring manager",
    "direct_manager": "Direct manager",
    "today_date": "Today's date",
    "offered_equity": "Offered equity",
    "offer_expiration_date": "Offer expiration date",
    "anticipated_start_date": "Anticipated start date",
    "company_signature_1": "Company signature 1",
    "candidate_signature": "Candidate signature",
}
# The offer template of a real sandbox draft, in its order (captured in airbytehq/airbyte,
# airbyte-integrations/connectors/source-lever-hiring/integration_tests/expected_records.jsonl): Lever
# lists every field of the template on every offer, with `null` for the empty ones. A seed may give
# `offer_template`.
TEMPLATE = (
    "job_posting",
    "job_title",
    "candidate_name",
    "team",
    "location/office",
    "salary_amount",
    "compensation_currency",
    "salary_interval",
    "today_date",
    "direct_manager",
    "offered_equity",
    "offer_expiration_date",
    "anticipated_start_date",
    "company_signature_1",
    "hiring_manager",
    "candidate_signature",
)


def _fields(given: Any) -> list[Record]:
    if isinstance(given, dict):
        given = [{"identifier": k, "value": v} for k, v in given.items()]
    if not isinstance(given, list):
        raise bad_request("fields must be an object {identifier: value} or a list of {identifier, value}")
    fields = []
    for item in given:
        identifier = item.get("identifier")
        if not isinstance(identifier, str):
            raise bad_request("every offer field needs an identifier")
        text = (
            item.get("text") or LABELS.get(identifier) or identifier.removeprefix("custom_").replace("_", " ")
        )
        fields.append({"text": text, "identifier": identifier, "value": item.get("value")})
    return fields


def _defaults(store: Store, opp: Record, now: int) -> dict[str, Any]:
    app = store.applications[opp["applications"][0]] if opp["applications"] else {}
    posting = store.postings.get(app.get("posting") or "")
    contact = store.contacts[opp["contact"]]
    if posting is None:
        return {"candidate_name": contact["name"], "today_date": now}
    return {
        "job_posting": posting["id"],
        "job_title": posting["text"],
        "candidate_name": contact["name"],
        "team": posting["categories"]["team"],
        "location/office": posting["categories"]["location"],
        "hiring_manager": posting["hiringManager"],
        "today_date": now,
    }


def attach(store: Store, opp: Record, body: Record, now: int) -> Record:
    status = body.get("status", "draft")
    if status not in STATUSES:
        raise bad_request(f"Invalid offer status: {status}")
    given = {f["identifier"]: f for f in _fields(body.get("fields", {}))}
    defaults = _fields(_defaults(store, opp, now))
    template = store.seed.get("offer_template") or TEMPLATE
    blank = _fields({identifier: None for identifier in template})
    fields = []
    for field in blank + [f for f in defaults if f["identifier"] not in template]:
        filled = next((d for d in defaults if d["identifier"] == field["identifier"]), field)
        fields.append(given.pop(field["identifier"], filled))
    fields += given.values()
    offer_id = body.get("id") or new_id()
    url = f"https://api.lever.co/v1/opportunities/{opp['id']}/offers/{offer_id}/download"
    sent = status in ("sent", "sent-manually", "opened", "signed")
    posting = next((f["value"] for f in fields if f["identifier"] == "job_posting"), None)
    offer = {
        "id": offer_id,
        "posting": body.get("posting", posting),
        "createdAt": body.get("createdAt", now),
        "status": status,
        "creator": body.get("creator", opp["owner"]),
        "fields": fields,
        "signatures": {
            "candidate": {
                "role": "candidate",
                "name": None,
                "email": None,
                "signed": status == "signed",
                "signedAt": now if status == "signed" else None,
                "firstOpenedAt": None,
                "lastOpenedAt": None,
            }
        },
        "approved": True if status not in ("draft", "approval-sent", "denied") else None,
        "approvedAt": body.get(
            "approvedAt", now if status not in ("draft", "approval-sent", "denied") else None
        ),
        "sentAt": body.get("sentAt", now if sent else None),
        "sentDocument": {
            "fileName": "offer-letter.pdf",
            "uploadedAt": now,
            "downloadUrl": f"{url}?status=sent",
        }
        if sent
        else None,
        "signedDocument": {
            "fileName": "offer-letter_signed.pdf",
            "uploadedAt": now,
            "downloadUrl": f"{url}?status=signed",
        }
        if status == "signed"
        else None,
    }
    offers = store.offers.setdefault(opp["id"], [])
    existing = next((n for n, o in enumerate(offers) if o["id"] == offer_id), None)
    if existing is None:
        offers.append(offer)
    else:
        offer["createdAt"] = offers[existing]["createdAt"]
        offers[existing] = offer
    return offer
