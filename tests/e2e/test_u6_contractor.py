"""U6 and U7 end to end: JSM requests with request-type fields. An agency hire who accepts gets an IT
onboarding and a legal contract-review request; an accepted offer gets an IT provisioning request with
the laptop chosen on the offer; a direct hire gets no contractor requests."""

from __future__ import annotations

from typing import Any

import httpx2
from e2e_support import Service, Simulators
from lever_actions import Recruiter, adf_text, eventually, settle, to_offer_signed


def requests_for(sims: Simulators, name: str) -> dict[str, dict[str, Any]]:
    """JSM requests about `name`, by the request type's service desk project."""
    state = httpx2.get(f"{sims.jira_url}/_sim/state", timeout=10).json()
    found: dict[str, dict[str, Any]] = {}
    for issue in state["issues"]:
        if issue.get("request") and name in str(issue["summary"]):
            assert issue["summary"] not in [i["summary"] for i in found.values()], "a request twice"
            found[f"{issue['project']}:{issue['summary'].split(':')[0]}"] = issue
    return found


def field(issue: dict[str, Any], name: str) -> Any:
    ids = {"Laptop": "customfield_10050", "Contract status": "customfield_10060",
           "Compliance documents": "customfield_10070", "Start date": "customfield_10015"}  # fmt: skip
    value = issue["fields"].get(ids[name])
    if isinstance(value, dict) and value.get("type") == "doc":  # a multi-line text field holds ADF
        return adf_text(value).strip()
    return value.get("value") if isinstance(value, dict) else value


def _one(found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    assert len(found) == 1, sorted(found)
    return found


def test_agency_hire_gets_it_and_legal_requests_and_provisioning(sims: Simulators, service: Service) -> None:
    lever = Recruiter(sims)
    to_offer_signed(lever, "Alma Agency", origin="agency")
    to_offer_signed(lever, "Dora Direct")

    def raised() -> dict[str, dict[str, Any]]:
        found = requests_for(sims, "Alma Agency")
        assert len(found) == 3, sorted(found)
        return found

    eventually(raised, what="the agency hire's three requests")
    settle(service.database_url, sims)
    agency = requests_for(sims, "Alma Agency")
    assert sorted(agency) == [
        "ITSD:Contractor onboarding",
        "ITSD:Equipment for Alma Agency (Senior Backend Engineer)",
        "LEGAL:Contract review",
    ]
    onboarding = agency["ITSD:Contractor onboarding"]
    contract = agency["LEGAL:Contract review"]
    equipment = agency["ITSD:Equipment for Alma Agency (Senior Backend Engineer)"]
    assert onboarding["summary"] == "Contractor onboarding: Alma Agency (Senior Backend Engineer)"
    assert field(onboarding, "Contract status") == "Not sent"
    assert field(onboarding, "Compliance documents") == "NDA, contractor agreement, right-to-work check"
    assert contract["summary"] == "Contract review: Alma Agency (Senior Backend Engineer)"
    assert field(contract, "Contract status") == "Sent"
    assert field(equipment, "Laptop") == "ThinkPad X1 Carbon"  # chosen on the offer
    assert field(equipment, "Start date")
    # Contact data and compensation stay in Lever.
    assert "example.net" not in str(agency) and "120000" not in str(agency)

    direct = eventually(lambda: _one(requests_for(sims, "Dora Direct")), what="Dora's request")
    assert [i["summary"] for i in direct.values()] == ["Equipment for Dora Direct (Senior Backend Engineer)"]
    lever.close()
