"""What happens to an opportunity: creation, stage moves, archiving, deletion, and the events each fires."""

from __future__ import annotations

from typing import Any, NamedTuple

from hirebridge.sims.lever.errors import LeverError, bad_request
from hirebridge.sims.lever.store import Record, Store, new_id

ORIGINS = ("agency", "applied", "internal", "referred", "sourced", "university")


class Event(NamedTuple):
    name: str
    data: Record
    origin: str | None = None


def canonical_email(email: str) -> str:
    return email.strip().lower()


def _ids(opp: Record) -> Record:
    return {"opportunityId": opp["id"], "candidateId": opp["id"], "contactId": opp["contact"]}


def _phones(raw: list[Any]) -> list[Record]:
    return [p if isinstance(p, dict) else {"type": None, "value": str(p)} for p in raw]


def _contact(store: Store, body: Record, now: int) -> tuple[Record, list[Event]]:
    emails = [e for e in body.get("emails", []) if isinstance(e, str) and e.strip()]
    phones, links = _phones(body.get("phones", [])), list(body.get("links", []))
    if body.get("contact"):
        contact = store.get("contacts", store.contacts, body["contact"])
    else:
        contact = next((c for c in map(store.contact_by_email, emails) if c is not None), None)
    if contact is None:
        if not body.get("name"):
            raise bad_request("Missing required field: name")
        contact = {
            "id": new_id(),
            "name": body["name"],
            "headline": body.get("headline", ""),
            "isAnonymized": False,
            "location": {"name": body.get("location", "")},
            "emails": emails,
            "phones": phones,
            "links": links,
            "createdAt": now,
            "updatedAt": now,
        }
        store.contacts[contact["id"]] = contact
        store.index_contact(contact)
        return contact, [
            Event(
                "contactCreated",
                {"contactId": contact["id"], "accountId": store.account["id"], "createdAt": now},
            )
        ]
    # Existing contact data wins; only new emails, phones and links are added.
    known = {canonical_email(e) for e in contact["emails"]}
    added = [e for e in emails if canonical_email(e) not in known]
    new_phones = [p for p in phones if p not in contact["phones"]]
    new_links = [link for link in links if link not in contact["links"]]
    if not (added or new_phones or new_links):
        return contact, []
    contact["emails"] += added
    store.index_contact(contact)
    contact["phones"] += new_phones
    contact["links"] += new_links
    contact["updatedAt"] = now
    return contact, [
        Event(
            "contactUpdated", {"contactId": contact["id"], "accountId": store.account["id"], "updatedAt": now}
        )
    ]


def _check_types(body: Record) -> None:
    for field in ("emails", "phones", "links", "tags", "sources", "followers", "postings"):
        if field in body and not isinstance(body[field], list):
            raise bad_request(f"{field} must be an array")
    for field in ("name", "headline", "location", "stage", "origin", "owner", "contact"):
        if body.get(field) is not None and not isinstance(body[field], str):
            raise bad_request(f"{field} must be a string")


def create(store: Store, body: Record, performer: str | None, now: int) -> tuple[Record, list[Event]]:
    _check_types(body)
    postings = body.get("postings") or []
    if not isinstance(postings, list) or len(postings) > 1:
        raise bad_request("An opportunity can be created for at most one posting")
    posting = store.get("postings", store.postings, postings[0]) if postings else None
    stage = body.get("stage") or "lead-new"
    stage_index = store.stage_index(stage)
    origin = body.get("origin", "sourced")
    if origin not in ORIGINS:
        raise bad_request(f"Invalid origin: {origin}")
    created = int(body.get("createdAt") or now)
    if created > now:
        raise bad_request("createdAt cannot be in the future")
    contact, events = _contact(store, body, now)
    opp_id, app_id = body.get("id") or new_id(), new_id()
    owner = body.get("owner") or performer
    followers = list(dict.fromkeys([*body.get("followers", []), *([performer] if performer else [])]))
    location = posting["categories"]["location"] if posting else None
    opp = {
        "id": opp_id,
        "contact": contact["id"],
        # A confidential posting makes its opportunities confidential (Lever's API documentation).
        "confidentiality": posting["confidentiality"] if posting else "non-confidential",
        "archived": None,
        "tags": list(dict.fromkeys(body.get("tags", []))),
        "sources": list(dict.fromkeys(body.get("sources", ["Added manually"]))),
        "stage": stage,
        "stageChanges": [
            {"toStageId": stage, "toStageIndex": stage_index, "updatedAt": created, "userId": performer}
        ],
        "origin": origin,
        "sourcedBy": performer if origin == "sourced" else None,
        "owner": owner,
        "followers": followers,
        "applications": [app_id],
        "createdAt": created,
        "updatedAt": now,
        "lastInteractionAt": created,
        "lastAdvancedAt": created,
        "snoozedUntil": None,
        "isAnonymized": False,
        "dataProtection": None,
        "opportunityLocation": body.get("opportunityLocation") or location or "unspecified",
    }
    store.applications[app_id] = {
        "id": app_id,
        "opportunityId": opp_id,
        "candidateId": opp_id,
        "createdAt": created,
        "type": "posting" if posting else "user",
        "posting": posting["id"] if posting else None,
        "postingOwner": posting["owner"] if posting else None,
        "postingHiringManager": posting["hiringManager"] if posting else None,
        "user": performer,
        "name": contact["name"],
        "email": contact["emails"][0] if contact["emails"] else None,
        "phone": contact["phones"][0] if contact["phones"] else None,
        "company": None,
        "links": list(contact["links"]),
        "comments": None,
        "customQuestions": [],
        "archived": None,
        "requisitionForHire": None,
    }
    store.opportunities[opp_id] = opp
    archived = body.get("archived")
    if archived:
        reason = store.get("archive reasons", store.archive_reasons, archived.get("reason", ""))
        opp["archived"] = {"archivedAt": int(archived.get("archivedAt") or now), "reason": reason["id"]}
        store.applications[app_id]["archived"] = dict(opp["archived"])
    created_event = {"applicationId": app_id, **_ids(opp)}
    return opp, [*events, Event("applicationCreated", created_event, origin)]


def move(store: Store, opp: Record, stage_id: str, performer: str | None, now: int) -> list[Event]:
    index = store.stage_index(stage_id)
    if opp["stage"] == stage_id:
        return []
    previous = opp["stage"]
    opp["stage"] = stage_id
    opp["stageChanges"].append(
        {"toStageId": stage_id, "toStageIndex": index, "updatedAt": now, "userId": performer}
    )
    opp["lastAdvancedAt"] = opp["lastInteractionAt"] = opp["updatedAt"] = now
    data = {**_ids(opp), "fromStageId": previous, "toStageId": stage_id}
    return [Event("candidateStageChange", data, opp["origin"])]


def archive(
    store: Store, opp: Record, reason_id: str | None, requisition_id: str | None, now: int
) -> list[Event]:
    before = opp["archived"]
    if reason_id is None:
        if before is None:
            return []
        opp["archived"] = None
    else:
        reason = store.get("archive reasons", store.archive_reasons, reason_id)
        if before is not None and before["reason"] == reason_id:
            return []
        if reason["type"] == "hired" and requisition_id:
            _hire_against(store, opp, requisition_id)
        opp["archived"] = {"archivedAt": now, "reason": reason_id}
    for app_id in opp["applications"]:
        store.applications[app_id]["archived"] = dict(opp["archived"]) if opp["archived"] else None
    opp["lastInteractionAt"] = opp["updatedAt"] = now
    events = [
        Event("candidateArchiveChange", {**_ids(opp), "fromArchived": before, "toArchived": opp["archived"]})
    ]
    if reason_id is not None and store.archive_reasons[reason_id]["type"] == "hired":
        events.append(Event("candidateHired", _ids(opp)))
    return [Event(e.name, e.data, opp["origin"]) for e in events]


def _hire_against(store: Store, opp: Record, requisition_id: str) -> None:
    requisition = store.get("requisitions", store.requisitions, requisition_id)
    if requisition["status"] != "open":
        raise LeverError(400, f"Requisition {requisition['requisitionCode']} is not open")
    if isinstance(requisition["headcountHired"], int):
        requisition["headcountHired"] += 1
    for app_id in opp["applications"]:
        store.applications[app_id]["requisitionForHire"] = {
            "id": requisition["id"],
            "requisitionCode": requisition["requisitionCode"],
            "hiringManagerOnHire": requisition["hiringManager"],
        }


def delete(store: Store, opp: Record, deleted_by: str | None, now: int) -> list[Event]:
    del store.opportunities[opp["id"]]
    store.deleted.append({"id": opp["id"], "deletedAt": now, "deletedBy": deleted_by})
    for app_id in opp["applications"]:
        application = store.applications.pop(app_id)
        store.deleted_applications.append(
            {"id": app_id, "deletedAt": now, "opportunityId": opp["id"], "postingId": application["posting"]}
        )
    for table in (store.notes, store.offers, store.panels, store.feedback):
        table.pop(opp["id"], None)
    return [Event("candidateDeleted", {**_ids(opp), "deletedBy": deleted_by}, opp["origin"])]
