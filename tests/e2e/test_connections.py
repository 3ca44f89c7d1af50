"""Connections end to end: Lever by OAuth (connect, refresh, revoke, reconnect), the webhooks hirebridge
registers (self-repair after a deletion, no duplicates across restarts, removed on disconnect) and
`hirebridge connections verify`, all as real processes against the simulators."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2
import psycopg
from e2e_support import (
    DEMO_CONFIG,
    JIRA_AUTH,
    LEVER_KEY,
    RECRUITER_KEY,
    Service,
    Simulators,
    start_service,
    wait_for,
)
from lever_actions import Recruiter, eventually, jira_search, to_offer_signed

CLIENT_ID, CLIENT_SECRET = "odduLmYKvgG5sHr6IO5KskcSpuGA2D", "uLmYKvgG5sHr6IO5KskcSpuGA2Dodd"
SECRET_KEY = "an operator's long random key"
CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}", workers: 4}
lever:
  main:
    base_url: ${LEVER_BASE_URL}
    oauth:
      client_id: odduLmYKvgG5sHr6IO5KskcSpuGA2D
      client_secret: ${LEVER_CLIENT_SECRET}
      auth_url: ${LEVER_BASE_URL}
    perform_as: rita@example.com
    webhook_check_interval_seconds: 1
jira:
  main:
    base_url: ${JIRA_BASE_URL}
    email: admin@example.com
    api_token: ${JIRA_API_TOKEN}
    search_consistency_seconds: 1
    register_webhook: false
recipes:
  - name: onboarding
    when: {stage_reached: Offer}
    allow: [candidate.name]
    actions:
      - id: epic
        jira_issue: {project: ONB, type: Epic, summary: "Onboarding {{ candidate.name }}"}
"""
ENV = {"HIREBRIDGE_SECRET_KEY": SECRET_KEY, "LEVER_CLIENT_SECRET": CLIENT_SECRET}


def cli(service: Service, sims: Simulators, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **ENV,
        "HIREBRIDGE_DATABASE_URL": service.database_url,
        "HIREBRIDGE_PUBLIC_URL": service.url,
        "LEVER_BASE_URL": sims.lever_url,
        "JIRA_BASE_URL": sims.jira_url,
        "JIRA_API_TOKEN": JIRA_AUTH[1],
        "LEVER_API_KEY": LEVER_KEY,
        "COLUMNS": "250",
    }
    return subprocess.run(
        [sys.executable, "-m", "hirebridge", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def connect(service: Service, sims: Simulators, config: Path) -> httpx2.Response:
    """`connections connect`, then a Super Admin opening the link and Lever sending them back."""
    printed = cli(service, sims, config, "connections", "connect", "main")
    assert printed.returncode == 0, printed.stderr
    link = next(line for line in printed.stdout.splitlines() if line.startswith(sims.lever_url))
    consent = httpx2.get(link, timeout=10)
    assert consent.status_code == 302 and consent.headers["location"].startswith(service.url)
    return httpx2.get(consent.headers["location"], timeout=30)


def verify(service: Service, sims: Simulators, config: Path) -> tuple[int, dict[str, Any]]:
    done = cli(service, sims, config, "connections", "verify", "--json")
    reports = {r["connection"]: r for r in json.loads(done.stdout)}
    return done.returncode, reports


def grant(service: Service, sims: Simulators, config: Path) -> dict[str, Any]:
    """The OAuth grant as `hirebridge status --json` shows it."""
    done = cli(service, sims, config, "status", "--json")
    main = json.loads(done.stdout)["connections"]["main"]
    assert done.returncode == (5 if main["oauth"]["state"] == "refused" else 0), done.stderr
    assert main["auth"] == "oauth"
    return dict(main["oauth"])


def our_webhooks(sims: Simulators, service: Service) -> dict[str, str]:
    """event → webhook id, of the webhooks at the service's address (fails on a duplicate)."""
    hooks = httpx2.get(f"{sims.lever_url}/v1/webhooks", auth=(RECRUITER_KEY, ""), timeout=10).json()["data"]
    ours = [h for h in hooks if h["url"] == f"{service.url}/webhooks/lever/main"]
    events = [h["event"] for h in ours]
    assert len(events) == len(set(events)), f"duplicate webhooks: {events}"
    return {h["event"]: str(h["id"]) for h in ours}


def epic_for(sims: Simulators, name: str) -> None:
    found = [i for i in jira_search(sims, "project = ONB") if i["fields"]["summary"] == f"Onboarding {name}"]
    assert len(found) == 1, found


def test_lever_oauth_connect_refresh_repair_restart_revoke_disconnect(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "hirebridge.yaml"
    config.write_text(CONFIG)
    lever = Recruiter(sims)
    service = start_service(sims, database_url, log_dir, config=config, env=ENV, wait_webhooks=False)
    try:
        code, reports = verify(service, sims, config)
        assert code == 1 and "not connected" in reports["lever:main"]["authenticated"]["detail"]
        assert grant(service, sims, config) == {"state": "not connected"}

        forged = httpx2.get(
            f"{service.url}/connections/lever/main/callback",
            params={"code": "x", "state": "forged"},
            timeout=10,
        )
        assert forged.status_code == 400 and "was not made by hirebridge" in forged.text
        denied = httpx2.get(
            f"{service.url}/connections/lever/main/callback",
            params={"error": "access_denied", "error_description": "The user denied access"},
            timeout=10,
        )
        assert denied.status_code == 400 and "Super Admin" in denied.text

        answer = connect(service, sims, config)
        assert answer.status_code == 200 and "is connected" in answer.text, answer.text
        assert answer.headers["cache-control"] == "no-store"
        wait_for(lambda: httpx2.get(f"{service.url}/readyz", timeout=2).json()["webhooks"], what="readiness")
        hooks = our_webhooks(sims, service)
        assert set(hooks) == {
            "candidateStageChange",
            "candidateArchiveChange",
            "candidateHired",
            "candidateDeleted",
        }

        to_offer_signed(lever, "Oona Auth")
        eventually(lambda: epic_for(sims, "Oona Auth"), what="the epic, read with the OAuth token")
        code, reports = verify(service, sims, config)
        assert code == 0, reports
        assert reports["lever:main"]["webhooks verified"]["ok"] is True

        # Two hours later in Lever: the access token has expired, the refresh token rotates.
        httpx2.post(f"{sims.lever_url}/_sim/clock", json={"advance_seconds": 7200}, timeout=10)
        to_offer_signed(lever, "Rafe Fresh")
        eventually(lambda: epic_for(sims, "Rafe Fresh"), what="the epic after a refresh")
        grants = httpx2.get(f"{sims.lever_url}/_sim/oauth", timeout=10).json()["data"]
        assert len(grants) == 1 and grants[0]["refreshes"] >= 1 and not grants[0]["revoked"]
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SELECT refresh_token, refreshes FROM oauth_tokens").fetchone()
        assert row is not None and row[1] >= 1 and not row[0].startswith("v1.")  # sealed, not plain
        shown = grant(service, sims, config)
        assert shown["state"] == "connected" and shown["refreshes"] == row[1] and shown["refreshed_at"]
        assert set(shown) == {"state", "connected_at", "expires_at", "refreshed_at", "refreshes", "refused"}
        human = cli(service, sims, config, "status").stdout
        assert "oauth: connected" in human and f"refreshed {row[1]} time(s)" in human, human

        # Someone deletes one of our webhooks in Lever: the scheduled check creates it again.
        httpx2.delete(
            f"{sims.lever_url}/v1/webhooks/{hooks['candidateStageChange']}",
            auth=(RECRUITER_KEY, ""),
            timeout=10,
        ).raise_for_status()
        repaired = eventually(
            lambda: _recreated(our_webhooks(sims, service), hooks),
            timeout=30,
            what="the webhook created again",
        )
        to_offer_signed(lever, "Wren Repaired")
        eventually(lambda: epic_for(sims, "Wren Repaired"), what="an epic from the new webhook")
    finally:
        service.process.stop()

    # A restart keeps the same webhooks: none created, none piled up.
    port = int(service.url.rsplit(":", 1)[1])
    service = start_service(sims, database_url, log_dir, config=config, env=ENV, port=port)
    try:
        assert our_webhooks(sims, service) == repaired

        # A Super Admin revokes the app in Lever: verify says to connect again; connecting again works.
        httpx2.post(f"{sims.lever_url}/_sim/oauth/revoke", json={"client_id": CLIENT_ID}, timeout=10)
        code, reports = verify(service, sims, config)
        assert code == 1 and "connect" in reports["lever:main"]["authenticated"]["detail"], reports
        shown = grant(service, sims, config)
        assert shown["state"] == "refused" and "connections connect main" in shown["refused"], shown
        assert connect(service, sims, config).status_code == 200
        code, reports = verify(service, sims, config)
        assert code == 0, reports

        done = cli(service, sims, config, "connections", "disconnect", "main")
        assert done.returncode == 0 and "4 webhooks removed" in done.stdout, done.stdout + done.stderr
        assert our_webhooks(sims, service) == {}
        with psycopg.connect(database_url) as conn:
            assert conn.execute("SELECT count(*) FROM oauth_tokens").fetchone() == (0,)
        assert grant(service, sims, config) == {"state": "not connected"}
        code, reports = verify(service, sims, config)
        assert code == 0 and reports["lever:main"]["connected"]["ok"] is None
    finally:
        service.process.stop()


def jira_hooks(sims: Simulators) -> list[str]:
    """The URLs of the admin webhooks in Jira."""
    hooks = httpx2.get(f"{sims.jira_url}/rest/webhooks/1.0/webhook", auth=JIRA_AUTH, timeout=10).json()
    return [str(h["url"]) for h in hooks]


def test_jira_disconnect_removes_its_webhook_until_connected_again(
    sims: Simulators, database_url: str, log_dir: Path
) -> None:
    service = start_service(sims, database_url, log_dir)
    ours = f"{service.url}/webhooks/jira/main"
    try:
        assert jira_hooks(sims) == [ours]
        done = cli(service, sims, DEMO_CONFIG, "connections", "disconnect", "jira:main")
        assert done.returncode == 0 and "1 webhook(s) removed" in done.stdout, done.stdout + done.stderr
        assert jira_hooks(sims) == []
        _, reports = verify(service, sims, DEMO_CONFIG)
        check = reports["jira:main"]["webhooks registered"]
        assert check["ok"] is None and "connect jira:main" in check["detail"], reports["jira:main"]
        assert reports["jira:main"]["authenticated"]["ok"] is True  # recipes still write to Jira
    finally:
        service.process.stop()

    # A restart leaves it disconnected (and is ready without it); connecting registers it again.
    port = int(service.url.rsplit(":", 1)[1])
    service = start_service(sims, database_url, log_dir, port=port)
    try:
        assert jira_hooks(sims) == []
        unknown = cli(service, sims, DEMO_CONFIG, "connections", "disconnect", "jira:nope")
        assert unknown.returncode == 2 and "no Jira connection 'nope'" in unknown.stderr
        done = cli(service, sims, DEMO_CONFIG, "connections", "connect", "jira:main")
        assert done.returncode == 0 and "is connected" in done.stdout, done.stdout + done.stderr
        assert jira_hooks(sims) == [ours]
        _, reports = verify(service, sims, DEMO_CONFIG)
        assert reports["jira:main"]["ok"] is True, reports["jira:main"]
    finally:
        service.process.stop()


def _recreated(now: dict[str, str], before: dict[str, str]) -> dict[str, str]:
    assert set(now) == set(before) and now["candidateStageChange"] != before["candidateStageChange"]
    assert all(now[e] == before[e] for e in before if e != "candidateStageChange")
    return now


def test_events_lever_has_not_turned_on_are_named_until_they_arrive(
    sims: Simulators, database_url: str, log_dir: Path
) -> None:
    """Webhooks made through Lever's API send nothing until a Super Admin turns their events on in
    Lever's settings (Lever's API documentation, "Webhooks via the API"); `verify` and `status` name the
    events Lever has not delivered."""
    sims.lever_settings(enabled_events=[])
    service = start_service(sims, database_url, log_dir)
    lever = Recruiter(sims)
    try:
        opportunity = lever.create("Tove Toggle")
        lever.move(opportunity, "Phone Screen")
        _, reports = verify(service, sims, DEMO_CONFIG)
        delivered = reports["lever:main"]["webhooks delivered"]
        # Not a failure: Lever's API cannot tell an event turned off from one that has not happened.
        assert reports["lever:main"]["ok"] is True and delivered["ok"] is None, reports["lever:main"]
        assert "candidateStageChange" in delivered["detail"] and "Super Admin" in delivered["detail"]
        assert "Settings → Integrations and API → Webhooks" in delivered["detail"]
        assert "plain HTTP" in delivered["detail"]
        human = cli(service, sims, DEMO_CONFIG, "status").stdout
        assert "nothing delivered yet for" in human and "candidateStageChange" in human, human

        # The Super Admin turns the stage-change event on: the next move arrives, and it is no longer named.
        sims.lever_settings(enabled_events=["candidateStageChange"])
        lever.move(opportunity, "Onsite")
        waiting = eventually(
            lambda: _arrived(_not_delivered(service, sims)), what="the stage change delivered"
        )
        assert "candidateHired" in waiting and "candidateArchiveChange" in waiting
        _, reports = verify(service, sims, DEMO_CONFIG)
        detail = reports["lever:main"]["webhooks delivered"]["detail"]
        assert "candidateStageChange" not in detail and "candidateHired" in detail
    finally:
        lever.close()
        service.process.stop()
        sims.lever_settings(enabled_events="all")


def _not_delivered(service: Service, sims: Simulators) -> list[str]:
    done = cli(service, sims, DEMO_CONFIG, "status", "--json")
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout)["connections"]["main"]["webhooks"]["not_delivered"])


def _arrived(waiting: list[str]) -> list[str]:
    assert "candidateStageChange" not in waiting, waiting
    return waiting
