"""A Lever requisition as hirebridge sees it (U2: headcount planning); Lever sends no webhooks for
requisitions, so the sweep finds their changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hirebridge.domain.snapshot import Person, person

Json = Mapping[str, Any]


@dataclass(frozen=True)
class RequisitionSnapshot:
    id: str
    code: str
    name: str
    status: str
    team: str
    department: str
    location: str
    employment_status: str
    headcount_total: int | None
    headcount_hired: int
    hiring_manager: Person | None
    owner: Person | None
    backfill: bool
    custom_fields: Mapping[str, Any]
    compensation_band: Mapping[str, Any] | None
    updated_at: int | None

    @property
    def state(self) -> str:
        """open, onHold, closed or draft as Lever says; `filled` for closed with every seat hired."""
        if self.status == "closed" and self.headcount_total and self.headcount_hired >= self.headcount_total:
            return "filled"
        return self.status


def build_requisition(requisition: Json, users: Mapping[str, Json]) -> RequisitionSnapshot:
    def user(key: str) -> Person | None:
        value = requisition.get(key)
        return person(value if isinstance(value, Mapping) else users.get(str(value)) if value else None)

    total = requisition.get("headcountTotal")
    hired = requisition.get("headcountHired") or 0
    return RequisitionSnapshot(
        id=str(requisition["id"]),
        code=str(requisition.get("requisitionCode") or ""),
        name=str(requisition.get("name") or ""),
        status=str(requisition.get("status") or "open"),
        team=str(requisition.get("team") or ""),
        department=str(requisition.get("department") or ""),
        location=str(requisition.get("location") or ""),
        employment_status=str(requisition.get("employmentStatus") or ""),
        headcount_total=total if isinstance(total, int) else None,
        headcount_hired=hired if isinstance(hired, int) else 0,
        hiring_manager=user("hiringManager"),
        owner=user("owner"),
        backfill=bool(requisition.get("backfill")),
        custom_fields=dict(requisition.get("customFields") or {}),
        compensation_band=requisition.get("compensationBand"),
        updated_at=requisition.get("updatedAt"),
    )


def requisition_view(snapshot: RequisitionSnapshot) -> dict[str, Any]:
    def who(value: Person | None) -> dict[str, str] | None:
        return {"id": value.id, "name": value.name, "email": value.email} if value else None

    return {
        "requisition": {
            "id": snapshot.id,
            "code": snapshot.code,
            "name": snapshot.name,
            "status": snapshot.state,
            "team": snapshot.team,
            "department": snapshot.department,
            "location": snapshot.location,
            "employment_status": snapshot.employment_status,
            "headcount_total": snapshot.headcount_total,
            "headcount_hired": snapshot.headcount_hired,
            "backfill": snapshot.backfill,
            "custom_fields": dict(snapshot.custom_fields),
            "compensation_band": dict(snapshot.compensation_band) if snapshot.compensation_band else None,
        },
        "hiring_manager": who(snapshot.hiring_manager),
        "owner": who(snapshot.owner),
    }
