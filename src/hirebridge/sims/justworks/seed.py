"""The default company and the expansion of a compact seed into Justworks-shaped records."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

CLIENT_ID = "sim-justworks-client"
CLIENT_SECRET = "sim-justworks-secret"
SEED_KEYS = ("company", "members", "admins", "clients")

DEFAULT_SEED: dict[str, Any] = {
    "company": {
        "id": "cmp_example",
        "display_name": "Example Co",
        "legal_name": "Example Co, Inc.",
        "departments": [
            {"id": "dep_engineering", "name": "Engineering"},
            {"id": "dep_sales", "name": "Sales"},
            {"id": "dep_people", "name": "People"},
            {"id": "dep_operations", "name": "Operations"},
        ],
        "offices": [
            {"id": "off_remote_us", "name": "Remote US"},
            {"id": "off_new_york", "name": "New York"},
            {"id": "off_berlin", "name": "Berlin"},
        ],
    },
    "members": [
        {"id": "mem_hank", "given_name": "Hank", "family_name": "Manager", "email": "hank@example.com",
         "job_title": "Engineering Manager", "department": "Engineering", "office": "New York"},
        {"id": "mem_mona", "given_name": "Mona", "family_name": "Manager", "email": "mona@example.com",
         "job_title": "Sales Manager", "department": "Sales", "office": "Remote US"},
        {"id": "mem_paula", "given_name": "Paula", "family_name": "People", "email": "paula@example.com",
         "job_title": "Head of People", "department": "People", "office": "New York"},
        {"id": "mem_rita", "given_name": "Rita", "family_name": "Recruiter", "email": "rita@example.com",
         "job_title": "Recruiter", "department": "People", "office": "Remote US", "manager_id": "mem_paula"},
        {"id": "mem_finn", "given_name": "Finn", "family_name": "Finance", "email": "finn@example.com",
         "job_title": "Finance Lead", "department": "Operations", "office": "New York"},
        {"id": "mem_erin", "given_name": "Erin", "family_name": "Engineer", "email": "erin@example.com",
         "job_title": "Software Engineer", "department": "Engineering", "office": "Remote US",
         "manager_id": "mem_hank"},
        {"id": "mem_tess", "given_name": "Tess", "family_name": "Former", "email": "tess@example.com",
         "job_title": "Account Executive", "department": "Sales", "office": "New York",
         "manager_id": "mem_mona", "active": False, "termination_date": "2025-06-30"},
    ],
    "admins": [
        {"id": "adm_paula", "member_id": "mem_paula", "name": "Paula People", "email": "paula@example.com",
         "permissions": ["manage_employees", "edit_company_settings", "edit_employee_permissions",
                         "upload_view_all_documents", "manage_company_benefits"]},
        {"id": "adm_rita", "member_id": "mem_rita", "name": "Rita Recruiter", "email": "rita@example.com",
         "permissions": ["manage_employees"]},
        {"id": "adm_finn", "member_id": "mem_finn", "name": "Finn Finance", "email": "finn@example.com",
         "permissions": ["view_invoices_reporting"]},
    ],
    "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}],
}  # fmt: skip


def merged_seed(seed: dict[str, Any] | None) -> dict[str, Any]:
    """Any top-level key a seed omits takes the default company's value."""
    result = copy.deepcopy(DEFAULT_SEED)
    for key in SEED_KEYS:
        if seed and key in seed:
            result[key] = copy.deepcopy(seed[key])
    return result


def load_seed_file(path: Path | None) -> dict[str, Any] | None:
    return None if path is None else json.loads(path.read_text(encoding="utf-8"))


def by_name(items: list[dict[str, Any]], name: str | None) -> dict[str, Any] | None:
    return next((dict(item) for item in items if item["name"] == name), None)


def expand_member(
    raw: dict[str, Any], company: dict[str, Any], number: int, now: str, names: dict[str, str]
) -> dict[str, Any]:
    """Turn a compact seed member into the api-evangelist member shape (docs/sims/justworks.md)."""
    given, family = raw["given_name"], raw["family_name"]
    office = by_name(company["offices"], raw.get("office"))
    manager_id = raw.get("manager_id")
    emails = [{"type": "work", "address": raw["email"]}] if raw.get("email") else []
    if raw.get("home_email"):
        emails.append({"type": "personal", "address": raw["home_email"]})
    member_type = raw.get("type", "employee_full_time")
    start = raw.get("start_date", "2023-01-09")
    return {
        "id": raw["id"],
        "company_id": company["id"],
        "work_id": raw.get("work_id", f"W{number:04d}"),
        "name": {"given_name": given, "family_name": family, "preferred_name": given,
                 "full_preferred_name": f"{given} {family}", "additional_names": []},
        "active": raw.get("active", True),
        "type": member_type,
        "employment_location_type": "remote" if office and "Remote" in office["name"] else "office",
        "emails": emails,
        "phones": [],
        "addresses": [],
        "job_title": raw.get("job_title"),
        "department": by_name(company["departments"], raw.get("department")),
        "office": office,
        "manager": {"id": manager_id, "name": names.get(manager_id, "")} if manager_id else None,
        "current_employment": {"member_type": member_type, "start_date": start},
        "employment_history": [{"member_type": member_type, "start_date": start}],
        "current_pay": raw.get("pay"),
        "pay_history": [raw["pay"]] if raw.get("pay") else [],
        "current_pay_frequency": raw.get("pay_frequency", "semimonthly"),
        "employment_start_date": start,
        "employment_termination_date": raw.get("termination_date"),
        "date_added_to_justworks": raw.get("date_added_to_justworks", start),
        "date_of_birth": None,
        "sex_assigned_at_birth": None,
        "partner_settings": {},
        "created_at": now,
        "updated_at": raw.get("updated_at", now),
    }  # fmt: skip
