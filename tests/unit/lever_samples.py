"""Lever answers shaped as Lever's API documentation shows them, for building snapshots in unit tests."""

from __future__ import annotations

from typing import Any

STAGES = [
    {"id": "applicant-new", "text": "New Applicant"},
    {"id": "s-phone", "text": "Phone Screen"},
    {"id": "s-onsite", "text": "Onsite"},
    {"id": "offer", "text": "Offer"},
    {"id": "s-accepted", "text": "Offer Accepted"},
]
REASONS = [
    {"id": "r-hired", "text": "Hired", "type": "hired", "status": "active"},
    {"id": "r-withdrew", "text": "Withdrew", "type": "non-hired", "status": "active"},
]
USERS = {
    "u-hank": {"id": "u-hank", "name": "Hank Manager", "email": "hank@example.com"},
    "u-rita": {"id": "u-rita", "name": "Rita Recruiter", "email": "rita@example.com"},
}
POSTING = {
    "id": "p-1",
    "text": "Senior Backend Engineer",
    "categories": {
        "team": "Platform",
        "department": "Engineering",
        "location": "Remote US",
        "commitment": "Full-time",
    },
    "hiringManager": "u-hank",
    "owner": "u-rita",
}
OFFER = {
    "id": "o-1",
    "status": "signed",
    "fields": [
        {"identifier": "anticipated_start_date", "text": "Start", "value": 1767225600000},
        {"identifier": "salary_amount", "text": "Salary", "value": 120000},
        {"identifier": "compensation_currency", "text": "Currency", "value": "USD"},
    ],
}


def opportunity(stage: str = "s-accepted", archived: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": "opp-1",
        "name": "Ada Lindqvist",
        "headline": "Brickly",
        "contact": "c-1",
        "emails": ["ada@example.net"],
        "phones": [{"type": "mobile", "value": "+1 555 0100"}],
        "location": "Oakland",
        "links": [],
        "archived": archived,
        "tags": [],
        "sources": [],
        "stage": stage,
        "stageChanges": [
            {"toStageId": stage, "toStageIndex": 4, "updatedAt": 1763800000000, "userId": "u-rita"}
        ],
        "origin": "applied",
        "owner": "u-rita",
        "applications": [{"id": "a-1", "posting": "p-1"}],
        "urls": {"show": "https://hire.lever.co/candidates/opp-1"},
        "createdAt": 1763700000000,
        "updatedAt": 1763800000000,
    }
