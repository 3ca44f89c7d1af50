"""Confidential records (Lever's API documentation, "Confidential data"): postings, opportunities and
requisitions marked confidential are seen only by API keys made with confidential access or OAuth grants
holding `confidential:access:admin`.

Lists leave them out unless `confidentiality=confidential|all` is asked for; asking for them, or for one
of them by id (or anything under it: notes, offers, stage …), without access answers 403.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from hirebridge.sims.lever.errors import LeverError, bad_request, error_response
from hirebridge.sims.lever.store import Record, Store

CONFIDENTIAL = "confidential"
CHOICES = {"confidential": {CONFIDENTIAL}, "non-confidential": {"non-confidential"}}
CHOICES["all"] = CHOICES["confidential"] | CHOICES["non-confidential"]
DENIED = "These credentials do not have access to confidential data"


def has_access(request: Request) -> bool:
    return bool(request.scope.get("lever_confidential"))


def _table(store: Store, kind: str) -> dict[str, Record] | None:
    tables = {
        "opportunities": store.opportunities,
        "postings": store.postings,
        "requisitions": store.requisitions,
    }
    return tables.get(kind)


def guard_path(store: Store, request: Request) -> JSONResponse | None:
    """403 for a confidential record named in the path (`/v1/<kind>/<id>/...`) without access."""
    if has_access(request):
        return None
    parts = [p for p in request.url.path.split("/") if p]
    if len(parts) < 3:
        return None
    table = _table(store, parts[1])
    record = table.get(parts[2]) if table is not None else None
    if record is not None and record.get("confidentiality") == CONFIDENTIAL:
        return error_response(403, DENIED)
    return None


def wanted(request: Request) -> set[str]:
    """The confidentiality values a list asks for (default: non-confidential only)."""
    raw = request.query_params.get("confidentiality") or "non-confidential"
    if raw not in CHOICES:
        raise bad_request(f"Invalid value for confidentiality: {raw}")
    if CONFIDENTIAL in CHOICES[raw] and not has_access(request):
        raise LeverError(403, DENIED)
    return CHOICES[raw]


def listed(request: Request, records: list[Record]) -> list[Record]:
    allowed = wanted(request)
    return [r for r in records if r.get("confidentiality", "non-confidential") in allowed]


def require_access(request: Request, record: Record | None) -> None:
    """Creating something under a confidential record (an opportunity for a confidential posting)."""
    if record is not None and record.get("confidentiality") == CONFIDENTIAL and not has_access(request):
        raise LeverError(403, DENIED)
