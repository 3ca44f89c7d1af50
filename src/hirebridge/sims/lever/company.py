"""The default company: the seed the simulator starts from when none is given.

A seed file has this exact shape (JSON). Ids may be omitted; they are then derived from names.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

API_KEY = "sim-lever-key"
RECRUITER_KEY = "sim-lever-recruiter-key"
# Made with confidential access (the other two keys see no confidential postings, candidates, requisitions).
CONFIDENTIAL_KEY = "sim-lever-confidential-key"

RITA = "06e3514e-e707-5211-95bc-7723afb67855"
HANK = "cc41a561-67ce-5844-aefe-e8cef435e25d"
MONA = "63a6b29a-1d2b-5155-9d48-69d16708f60e"
ERIN = "10fbaad5-9810-51e8-9fcb-94a451d14636"
PAULA = "84d032ff-32d7-5f1c-a872-1153f3d41a9f"

PHONE_SCREEN = "32cd6549-1b0e-5d5f-aee1-c8465a215553"
TECHNICAL_ASSESSMENT = "0cc07473-26f5-5a0c-832c-71849df86e06"
ONSITE = "f60a0dda-c55e-55bc-97c9-3b60f9a2b5eb"

HIRED = "a4860b97-6d06-53fc-a8af-075e9c627707"
WITHDREW = "6a06f910-6f69-5763-9e77-83fc2a35e79f"
NOT_A_FIT = "e096778a-c1da-5e30-8263-cfd030768468"
OFFER_DECLINED = "a9d23690-3950-5f3c-b525-b0238dd31665"
POSITION_FILLED = "97b7e836-5797-54c4-b8de-c5ea4b370e36"

BACKEND_POSTING = "96126780-9a2c-56dc-9fe9-7a8a85e14260"
AE_POSTING = "5ec667a1-e255-5829-b529-2255c05c16be"
PEOPLE_POSTING = "9c22db94-a1b0-557e-bcbf-68ea4a138a8f"

BACKEND_REQ = "3f7d6684-ad4d-5eb0-a7c5-964d01f4b429"
AE_REQ = "7e739bc5-0aa3-5aee-aa7a-24e35e1c3152"
PEOPLE_REQ = "b36079e7-d116-5cee-9bf6-2a1c68158270"

INTERVIEW_TEMPLATE = "9d7ea7eb-2d44-5571-94f0-5e089b93e5fd"
ACCOUNT_ID = "c35ce6b9-92df-5663-9865-c321876ccf43"
SEEDED_AT = 1735689600000  # 2025-01-01T00:00:00Z

DEFAULT_COMPANY: dict[str, Any] = {
    "account": {"id": ACCOUNT_ID, "name": "Example Co", "site": "https://hire.lever.co"},
    "api_keys": [
        {"key": API_KEY, "user": RITA},
        {"key": RECRUITER_KEY, "user": RITA},
        {"key": CONFIDENTIAL_KEY, "user": RITA, "confidential": True},
    ],
    "users": [
        {"id": RITA, "name": "Rita Recruiter", "email": "rita@example.com", "accessRole": "super admin",
         "jobTitle": "Recruiter", "managerId": PAULA},
        {"id": HANK, "name": "Hank Manager", "email": "hank@example.com", "accessRole": "team member",
         "jobTitle": "Engineering Manager"},
        {"id": MONA, "name": "Mona Manager", "email": "mona@example.com", "accessRole": "team member",
         "jobTitle": "Sales Manager"},
        {"id": ERIN, "name": "Erin Engineer", "email": "erin@example.com", "accessRole": "interviewer",
         "jobTitle": "Software Engineer", "managerId": HANK},
        {"id": PAULA, "name": "Paula People", "email": "paula@example.com", "accessRole": "admin",
         "jobTitle": "Head of People"},
    ],
    "stages": [
        {"id": "lead-new", "text": "New Lead"},
        {"id": "lead-reached-out", "text": "Reached Out"},
        {"id": "applicant-new", "text": "New Applicant"},
        {"id": PHONE_SCREEN, "text": "Phone Screen"},
        {"id": TECHNICAL_ASSESSMENT, "text": "Technical Assessment"},
        {"id": ONSITE, "text": "Onsite"},
        # Every Lever pipeline ends with Offer (Lever's developer FAQ, https://hire.lever.co/developer/support):
        # an accepted offer is a signed one.
        {"id": "offer", "text": "Offer"},
    ],
    "archive_reasons": [
        {"id": HIRED, "text": "Hired", "status": "active", "type": "hired"},
        {"id": WITHDREW, "text": "Withdrew", "status": "active", "type": "non-hired"},
        {"id": NOT_A_FIT, "text": "Not a fit", "status": "active", "type": "non-hired"},
        {"id": OFFER_DECLINED, "text": "Offer declined", "status": "active", "type": "non-hired"},
        {"id": POSITION_FILLED, "text": "Position filled", "status": "active", "type": "non-hired"},
    ],
    "postings": [
        {"id": BACKEND_POSTING, "text": "Senior Backend Engineer", "owner": RITA, "hiringManager": HANK,
         "categories": {"team": "Platform", "department": "Engineering", "location": "Remote US",
                        "commitment": "Full-time"},
         "country": "US", "workplaceType": "remote", "requisitionCodes": ["ENG-101"]},
        {"id": AE_POSTING, "text": "Account Executive", "owner": RITA, "hiringManager": MONA,
         "categories": {"team": "Sales", "department": "Sales", "location": "New York",
                        "commitment": "Full-time"},
         "country": "US", "workplaceType": "onsite", "requisitionCodes": ["SAL-201"]},
        {"id": PEOPLE_POSTING, "text": "People Operations Partner", "owner": RITA, "hiringManager": MONA,
         "categories": {"team": "People Ops", "department": "People", "location": "Berlin",
                        "commitment": "Full-time"},
         "country": "DE", "workplaceType": "hybrid", "requisitionCodes": ["PPL-301"]},
    ],
    "requisition_fields": [
        {"id": "target_start_date", "text": "Target start date", "type": "date", "isRequired": False},
        {"id": "seniority", "text": "Seniority", "type": "dropdown", "isRequired": False,
         "options": [{"text": "Junior"}, {"text": "Mid"}, {"text": "Senior"}, {"text": "Staff"}]},
        {"id": "urgency", "text": "Urgency", "type": "dropdown", "isRequired": False,
         "options": [{"text": "Low"}, {"text": "Normal"}, {"text": "High"}]},
        {"id": "assessment_reviewer", "text": "Assessment reviewer", "type": "text", "isRequired": False},
    ],
    "requisitions": [
        {"id": BACKEND_REQ, "requisitionCode": "ENG-101", "name": "Senior Backend Engineer",
         "status": "open", "headcountTotal": 2, "hiringManager": HANK, "owner": RITA,
         "employmentStatus": "full-time", "location": "Remote US", "team": "Platform",
         "department": "Engineering", "postings": [BACKEND_POSTING],
         "compensationBand": {"currency": "USD", "interval": "per-year-salary", "min": 160000, "max": 200000},
         "customFields": {"target_start_date": 1743465600000, "seniority": "Senior", "urgency": "High",
                          "assessment_reviewer": "erin@example.com"}},
        {"id": AE_REQ, "requisitionCode": "SAL-201", "name": "Account Executive",
         "status": "open", "headcountTotal": 1, "hiringManager": MONA, "owner": RITA,
         "employmentStatus": "full-time", "location": "New York", "team": "Sales",
         "department": "Sales", "postings": [AE_POSTING],
         "compensationBand": {"currency": "USD", "interval": "per-year-salary", "min": 90000, "max": 120000},
         "customFields": {"target_start_date": 1746057600000, "seniority": "Mid", "urgency": "Normal"}},
        {"id": PEOPLE_REQ, "requisitionCode": "PPL-301", "name": "People Operations Partner",
         "status": "open", "headcountTotal": 1, "hiringManager": MONA, "owner": PAULA,
         "employmentStatus": "full-time", "location": "Berlin", "team": "People Ops",
         "department": "People", "postings": [PEOPLE_POSTING],
         "compensationBand": {"currency": "EUR", "interval": "per-year-salary", "min": 60000, "max": 75000},
         "customFields": {"seniority": "Mid", "urgency": "Low"}},
    ],
    "feedback_templates": [
        {"id": INTERVIEW_TEMPLATE, "text": "Interview feedback", "instructions": "Be specific.",
         "fields": [
             {"id": "a439f655-bb11-591f-b01c-2865c744fa5b", "type": "score-system", "text": "Rating",
              "required": True,
              "options": [{"text": "4 - Strong Hire"}, {"text": "3 - Hire"}, {"text": "2 - No Hire"},
                          {"text": "1 - Strong No Hire"}]},
             {"id": "4ff67290-3a3e-5b40-9bf8-293c51231fbf", "type": "textarea", "text": "Notes / Comments",
              "required": True},
         ]},
    ],
    "opportunities": [],
    "webhooks": [],
}  # fmt: skip


def default_company() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_COMPANY)


def load_seed(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    return json.loads(path.read_text(encoding="utf-8"))
