from __future__ import annotations

from typing import Any

import httpx2

CLIENT = {"client_id": "sim-justworks-client", "client_secret": "sim-justworks-secret"}


def valid_packet(**changes: Any) -> dict[str, Any]:
    packet = {
        "source": "lever",
        "source_ref": {"opportunity_id": "opp-1", "offer_id": "offer-1", "lever_event_token": "tok-1"},
        "member_type": "employee_full_time",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "title": "Software Engineer",
        "manager": {"member_id": "mem_hank"},
        "department": {"name": "Engineering"},
        "office": {"name": "Remote US"},
        "start_date": "2026-09-01",
        "home_email": "ada@home.example",
        "compensation": {"type_of_earnings": "year", "amount": 15000000, "currency": "USD"},
        "exemption_status": "exempt",
    }
    packet.update(changes)
    return packet


async def bearer(client: httpx2.AsyncClient, **extra: str) -> str:
    response = await client.post("/oauth/token", data={"grant_type": "client_credentials", **CLIENT, **extra})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
