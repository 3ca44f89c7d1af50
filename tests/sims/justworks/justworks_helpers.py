from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

CLIENT = {"client_id": "sim-justworks-client", "client_secret": "sim-justworks-secret"}
REDIRECT = "http://127.0.0.1:9000/connections/justworks/main/callback"
PEOPLE = "/_sim/people"


def valid_form(**changes: Any) -> dict[str, Any]:
    """The "Add a person" form as an admin fills it in for a salaried full-time employee."""
    form = {
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
    form.update(changes)
    return form


async def tokens(client: httpx2.AsyncClient, **extra: str) -> dict[str, Any]:
    """The authorization-code grant, as an admin consenting to an app would give it."""
    params = {"response_type": "code", "client_id": CLIENT["client_id"], "redirect_uri": REDIRECT, **extra}
    location = (await client.get("/oauth/authorize", params=params)).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **CLIENT}
    response = await client.post("/oauth/token", data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def bearer(client: httpx2.AsyncClient, **extra: str) -> str:
    return str((await tokens(client, **extra))["access_token"])
