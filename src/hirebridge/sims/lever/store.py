"""All simulated account data, loaded from a seed, with the lookups the API needs."""

from __future__ import annotations

import copy
import hashlib
import uuid
from typing import Any

from hirebridge.sims.lever.clock import Clock
from hirebridge.sims.lever.company import SEEDED_AT
from hirebridge.sims.lever.errors import bad_request, not_found

Record = dict[str, Any]
NAMESPACE = uuid.UUID("8f0b3c1e-2f4a-4c55-9a1e-6c6576657273")
SITE = "https://hire.lever.co"


def derived_id(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


def new_id() -> str:
    return str(uuid.uuid4())


def _user(raw: Record) -> Record:
    email = raw["email"]
    return {
        "id": raw.get("id") or derived_id("user", email),
        "name": raw["name"],
        "username": raw.get("username") or email.split("@")[0],
        "email": email,
        "createdAt": raw.get("createdAt", SEEDED_AT),
        "deactivatedAt": raw.get("deactivatedAt"),
        "externalDirectoryId": raw.get("externalDirectoryId"),
        "accessRole": raw.get("accessRole", "interviewer"),
        "photo": raw.get("photo"),
        "linkedContactIds": raw.get("linkedContactIds"),
        "jobTitle": raw.get("jobTitle"),
        "managerId": raw.get("managerId"),
    }


def _posting(raw: Record, site: str) -> Record:
    pid = raw.get("id") or derived_id("posting", raw["text"])
    categories = {"team": None, "department": None, "location": None, "commitment": None, "level": None}
    categories.update(raw.get("categories", {}))
    categories.setdefault("allLocations", [categories["location"]] if categories["location"] else [])
    codes = list(raw.get("requisitionCodes", []))
    description = raw.get("description", f"Join us as {raw['text']}.")
    posting = {
        "id": pid,
        "text": raw["text"],
        "createdAt": raw.get("createdAt", SEEDED_AT),
        "updatedAt": raw.get("updatedAt", SEEDED_AT),
        "user": raw.get("user", raw.get("owner")),
        "owner": raw.get("owner"),
        "hiringManager": raw.get("hiringManager"),
        "confidentiality": raw.get("confidentiality", "non-confidential"),
        "categories": categories,
        "content": {
            "description": description,
            "descriptionHtml": f"<div>{description}</div>",
            "lists": [],
            "closing": "",
            "closingHtml": "",
        },
        "country": raw.get("country"),
        "followers": list(raw.get("followers", [])),
        "tags": list(raw.get("tags", [])),
        "state": raw.get("state", "published"),
        "distributionChannels": raw.get("distributionChannels", ["internal", "public"]),
        "reqCode": codes[0] if codes else None,
        "requisitionCodes": codes,
        "salaryDescription": None,
        "salaryDescriptionHtml": None,
        "salaryRange": raw.get("salaryRange"),
        "urls": {
            "list": "https://jobs.lever.co/example",
            "show": f"https://jobs.lever.co/example/{pid}/",
            "apply": f"https://jobs.lever.co/example/{pid}/apply",
        },
        "workplaceType": raw.get("workplaceType", "unspecified"),
    }
    return posting


def _webhook(raw: Record) -> Record:
    configuration = dict(raw.get("configuration") or {})
    # Seeded webhooks get a stable token so that a receiver configured from the same seed can verify them.
    configuration.setdefault(
        "signatureToken", hashlib.sha256(f"{raw['event']}:{raw['url']}".encode()).hexdigest()[:48]
    )
    return {
        "id": raw.get("id") or derived_id("webhook", f"{raw['event']}:{raw['url']}"),
        "url": raw["url"],
        "event": raw["event"],
        "createdAt": raw.get("createdAt", SEEDED_AT),
        "updatedAt": raw.get("updatedAt", SEEDED_AT),
        "configuration": configuration,
    }


def requisition_record(raw: Record, creator: str | None, now: int) -> Record:
    return {
        "id": raw.get("id") or derived_id("requisition", raw["requisitionCode"]),
        "requisitionCode": raw["requisitionCode"],
        "name": raw["name"],
        "backfill": raw.get("backfill", False),
        "confidentiality": raw.get("confidentiality", "non-confidential"),
        "createdAt": raw.get("createdAt", now),
        "creator": raw.get("creator", creator),
        "headcountHired": raw.get("headcountHired", 0),
        "headcountTotal": raw["headcountTotal"],
        "status": raw.get("status", "open"),
        "hiringManager": raw.get("hiringManager"),
        "owner": raw.get("owner", creator),
        "compensationBand": raw.get("compensationBand"),
        "employmentStatus": raw.get("employmentStatus"),
        "location": raw.get("location"),
        "internalNotes": raw.get("internalNotes"),
        "postings": list(raw.get("postings", raw.get("postingIds", []))),
        "department": raw.get("department"),
        "team": raw.get("team"),
        "offerIds": list(raw.get("offerIds", [])),
        "approval": raw.get("approval"),
        "customFields": dict(raw.get("customFields", {})),
        "closedAt": raw.get("closedAt"),
        "timeToFillStartAt": raw.get("timeToFillStartAt", raw.get("createdAt", now)),
        "timeToFillEndAt": raw.get("timeToFillEndAt"),
        "updatedAt": raw.get("updatedAt", raw.get("createdAt", now)),
    }


class Store:
    def __init__(self, seed: Record, clock: Clock) -> None:
        self.clock = clock
        self.load(seed)

    def load(self, seed: Record) -> None:
        seed = copy.deepcopy(seed)
        self.seed = copy.deepcopy(seed)
        self.account: Record = seed.get("account", {"id": derived_id("account", "default"), "name": "Sim"})
        self.site = self.account.get("site", SITE)
        self.keys: dict[str, str | None] = {k["key"]: k.get("user") for k in seed.get("api_keys", [])}
        # Confidential access is chosen when a key is made and never changes (Lever help center, "API key with
        # confidential access").
        self.confidential_keys = {k["key"] for k in seed.get("api_keys", []) if k.get("confidential")}
        self.users = {u["id"]: u for u in map(_user, seed.get("users", []))}
        self.stages: list[Record] = [
            {"id": s.get("id") or derived_id("stage", s["text"]), "text": s["text"]} for s in seed["stages"]
        ]
        self.archive_reasons = {
            r.get("id") or derived_id("reason", r["text"]): {
                "id": r.get("id") or derived_id("reason", r["text"]),
                "text": r["text"],
                "status": r.get("status", "active"),
                "type": r.get("type", "non-hired"),
            }
            for r in seed.get("archive_reasons", [])
        }
        self.postings = {p["id"]: p for p in (_posting(r, self.site) for r in seed.get("postings", []))}
        self.requisition_fields: list[Record] = seed.get("requisition_fields", [])
        self.requisitions = {
            r["id"]: r
            for r in (requisition_record(x, x.get("owner"), SEEDED_AT) for x in seed.get("requisitions", []))
        }
        self.feedback_templates = {t["id"]: t for t in seed.get("feedback_templates", [])}
        self.contacts: dict[str, Record] = {}
        self._emails: dict[str, str] = {}
        self.opportunities: dict[str, Record] = {}
        self.applications: dict[str, Record] = {}
        self.notes: dict[str, list[Record]] = {}
        self.offers: dict[str, list[Record]] = {}
        self.panels: dict[str, list[Record]] = {}
        self.feedback: dict[str, list[Record]] = {}
        self.deleted: list[Record] = []
        self.deleted_applications: list[Record] = []
        self.webhooks = {w["id"]: w for w in map(_webhook, seed.get("webhooks", []))}
        self.tokens: set[str] = set()

    def index_contact(self, contact: Record) -> None:
        for email in contact["emails"]:
            self._emails[email.strip().lower()] = contact["id"]

    def contact_by_email(self, email: str) -> Record | None:
        contact = self.contacts.get(self._emails.get(email.strip().lower(), ""))
        # The index may be stale after a contact's emails were replaced.
        if contact is None or contact["isAnonymized"]:
            return None
        if email.strip().lower() not in {e.strip().lower() for e in contact["emails"]}:
            return None
        return contact

    def stage_index(self, stage_id: str) -> int:
        for index, stage in enumerate(self.stages):
            if stage["id"] == stage_id:
                return index
        raise not_found("stages", stage_id)

    def stage(self, stage_id: str) -> Record:
        return self.stages[self.stage_index(stage_id)]

    def user(self, user_id: str) -> Record:
        if user_id not in self.users:
            raise not_found("users", user_id)
        return self.users[user_id]

    def performer(self, user_id: str | None, required: bool = False) -> str | None:
        if user_id is None:
            if required:
                raise bad_request("Missing required parameter: perform_as")
            return None
        if not isinstance(user_id, str) or user_id not in self.users:
            raise bad_request(f"perform_as user {user_id} was not found")
        return user_id

    def opportunity(self, opportunity_id: str) -> Record:
        if not isinstance(opportunity_id, str) or opportunity_id not in self.opportunities:
            raise not_found("opportunities", opportunity_id)
        return self.opportunities[opportunity_id]

    def get(self, kind: str, table: dict[str, Record], ident: str) -> Record:
        if not isinstance(ident, str) or ident not in table:
            raise not_found(kind, ident)
        return table[ident]
