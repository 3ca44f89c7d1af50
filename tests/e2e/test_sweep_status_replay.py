"""The sweep repairs lost webhooks; `status` shows a parked effect; `replay` makes it succeed once.

The service and simulators run as real processes; the commands run as a user would run them.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest
from e2e_support import JIRA_AUTH, RECRUITER_KEY, Service, Simulators, start_service, wait_for

from hirebridge.sims.lever.company import AE_POSTING, BACKEND_POSTING, RITA

CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}", workers: 4}
lever:
  main:
    base_url: ${LEVER_BASE_URL}
    api_key: ${LEVER_API_KEY}
    sweep_interval_seconds: %(interval)s
    sweep_overlap_seconds: 30
jira:
  main:
    base_url: ${JIRA_BASE_URL}
    email: admin@example.com
    api_token: ${JIRA_API_TOKEN}
    search_consistency_seconds: 1
recipes:
  - name: onboarding
    when: {stage_reached: Offer}
    allow: [candidate.name, posting]
    actions:
      - id: epic
        jira_issue:
          project: ONB
          type: Epic
          summary: "Onboarding {{ candidate.name }}"
          labels: [onboarding]
          # Jira's Team field has no "Platform" option until the admin adds it: a 400 for that team.
          fields: {Team: "{{ posting.team }}"}
"""
OFFER = "offer"  # Lever's own id of the Offer stage


def write_config(tmp_path: Path, interval: float) -> Path:
    path = tmp_path / f"config-{interval}.yaml"
    path.write_text(CONFIG % {"interval": interval})
    return path


def start(sims: Simulators, database_url: str, log_dir: Path, config: Path) -> Service:
    return start_service(sims, database_url, log_dir, config=config)


def cli(service: Service, sims: Simulators, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HIREBRIDGE_DATABASE_URL": service.database_url,
        "HIREBRIDGE_PUBLIC_URL": service.url,
        "LEVER_BASE_URL": sims.lever_url,
        "LEVER_API_KEY": "sim-lever-key",
        "JIRA_BASE_URL": sims.jira_url,
        "JIRA_API_TOKEN": JIRA_AUTH[1],
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "hirebridge", *args], capture_output=True, text=True, env=env, timeout=120
    )


def add_candidate(sims: Simulators, name: str, posting: str) -> str:
    response = httpx2.post(
        f"{sims.lever_url}/v1/opportunities",
        params={"perform_as": RITA},
        auth=(RECRUITER_KEY, ""),
        json={"name": name, "postings": [posting], "stage": "applicant-new"},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["data"]["id"])


def accept(sims: Simulators, opportunity_id: str) -> None:
    httpx2.put(
        f"{sims.lever_url}/v1/opportunities/{opportunity_id}/stage",
        auth=(RECRUITER_KEY, ""),
        json={"stage": OFFER},
        timeout=10,
    ).raise_for_status()


def drop_webhooks(sims: Simulators, rate: float) -> None:
    httpx2.post(f"{sims.lever_url}/_sim/faults", json={"webhook_drop": rate}, timeout=10).raise_for_status()
    httpx2.post(f"{sims.lever_url}/_sim/deliveries/wait", json={"timeout_seconds": 5}, timeout=10)


def dropped(sims: Simulators, opportunity_id: str) -> bool:
    deliveries = httpx2.get(
        f"{sims.lever_url}/_sim/deliveries",
        params={"event": "candidateStageChange", "state": "dropped"},
        timeout=10,
    ).json()["data"]
    return any(d["body"]["data"]["opportunityId"] == opportunity_id for d in deliveries)


def epics(sims: Simulators, name: str) -> list[dict[str, Any]]:
    response = httpx2.post(
        f"{sims.jira_url}/rest/api/3/search/jql",
        auth=JIRA_AUTH,
        json={"jql": "project = ONB ORDER BY key", "fields": ["summary", "labels"], "maxResults": 100},
        timeout=10,
    )
    response.raise_for_status()
    return [i for i in response.json()["issues"] if i["fields"]["summary"] == f"Onboarding {name}"]


def dropped_stage_changes(sims: Simulators) -> int:
    found = httpx2.get(
        f"{sims.lever_url}/_sim/deliveries", params={"event": "candidateStageChange"}, timeout=10
    )
    return sum(d["state"] == "dropped" for d in found.json()["data"])


@pytest.fixture
def jira_seed(sims: Simulators) -> Iterator[dict[str, Any]]:
    """The Jira site as seeded; put back afterwards (the simulator lives for the whole session)."""
    seed = httpx2.get(f"{sims.jira_url}/_sim/seed", timeout=10).json()
    yield copy.deepcopy(seed)
    httpx2.post(f"{sims.jira_url}/_sim/seed", json=seed, timeout=10).raise_for_status()


def test_periodic_sweep_repairs_a_dropped_webhook(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    service = start(sims, database_url, log_dir, write_config(tmp_path, 2))
    try:
        candidate = add_candidate(sims, "Ada Lindqvist", AE_POSTING)
        drop_webhooks(sims, 1.0)
        accept(sims, candidate)
        assert dropped_stage_changes(sims) == 1
        # Lost for good as a webhook; the sweep (every 2 s here) lists the change and reconciles it.
        wait_for(lambda: epics(sims, "Ada Lindqvist"), timeout=30, what="the epic, via the sweep")
        with psycopg.connect(database_url) as conn:
            assert conn.execute("SELECT count(*) FROM inbox WHERE subject_id = %s", (candidate,)).fetchone()
            position = conn.execute(
                "SELECT position FROM sweep_cursors WHERE connection = 'main' AND stream = 'opportunities'"
            ).fetchone()
        assert position is not None and position[0] is not None
    finally:
        service.process.stop()
    assert len(epics(sims, "Ada Lindqvist")) == 1


def test_sweep_command_repairs_a_dropped_webhook_and_waits(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    service = start(sims, database_url, log_dir, write_config(tmp_path, 3600))
    try:
        # The service's own first pass (at start) is over; the next one is an hour away.
        wait_for(lambda: _swept(database_url), timeout=30, what="the first periodic pass")
        drop_webhooks(sims, 1.0)
        candidate = add_candidate(sims, "Bashir Okafor", AE_POSTING)
        accept(sims, candidate)
        # Lever has decided the stage change's delivery (dropped): only then does "no epic" say the
        # lost webhook was not acted on.
        wait_for(lambda: dropped(sims, candidate), timeout=10, what="the dropped stage change")
        assert not epics(sims, "Bashir Okafor")
        swept = cli(service, sims, "sweep", "--config", str(write_config(tmp_path, 3600)))
        assert swept.returncode == 0, swept.stdout + swept.stderr
        assert "main opportunities: listed 1, queued 1" in swept.stdout
        assert "reconciles: 1 done, 0 failed, 0 still queued" in swept.stdout
        assert len(epics(sims, "Bashir Okafor")) == 1
    finally:
        service.process.stop()
    # With no worker running anywhere, the command runs the reconciles it queued itself.
    later = add_candidate(sims, "Elif Demir", AE_POSTING)
    accept(sims, later)
    alone = cli(service, sims, "sweep", "--config", str(write_config(tmp_path, 3600)), "--timeout", "60")
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "no worker is running" in alone.stdout and "reconciles: 1 done" in alone.stdout
    assert len(epics(sims, "Elif Demir")) == 1 and len(epics(sims, "Bashir Okafor")) == 1


def test_parked_effect_is_shown_then_replayed_exactly_once(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path, jira_seed: dict[str, Any]
) -> None:
    config = write_config(tmp_path, 3600)
    service = start(sims, database_url, log_dir, config)
    try:
        refused = add_candidate(sims, "Chen Wei", BACKEND_POSTING)  # team Platform: refused by Jira
        flowing = add_candidate(sims, "Dana Kowalski", AE_POSTING)
        accept(sims, refused)
        accept(sims, flowing)
        wait_for(lambda: epics(sims, "Dana Kowalski"), timeout=30, what="the other candidate's epic")
        wait_for(lambda: _parked(database_url), timeout=30, what="the parked effect")

        shown = cli(service, sims, "status", "--config", str(config), "--json")
        assert shown.returncode == 4, shown.stderr  # a parked effect: unhealthy
        main = json.loads(shown.stdout)["connections"]["main"]
        assert main["parked"] == 1
        effect = main["parked_effects"][0]
        assert effect["effect"] == f"opportunity:{refused}:onboarding:epic"
        assert "Platform" in effect["reason"] and effect["attempts"] >= 1
        assert main["subjects"]["known"] == 2
        human = cli(service, sims, "status", "--config", str(config))
        assert f"opportunity:{refused}:onboarding:epic" in human.stdout.replace("\n", "")
        for output in (shown.stdout, human.stdout):  # ids and names of recipes, never the candidate
            assert "Chen" not in output and "Dana" not in output and "@" not in output
        assert not epics(sims, "Chen Wei")

        # The Jira admin adds the missing option (re-seeding the simulator clears its issues).
        team = next(f for f in jira_seed["fields"] if f["name"] == "Team")
        team["options"].append("Platform")
        httpx2.post(f"{sims.jira_url}/_sim/seed", json=jira_seed, timeout=10).raise_for_status()

        replayed = cli(service, sims, "replay", "--config", str(config), "--effect", effect["effect"])
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        assert f"opportunity:{refused}" in replayed.stdout and "onboarding:epic" in replayed.stdout
        wait_for(lambda: epics(sims, "Chen Wei"), timeout=30, what="the replayed epic")
        wait_for(lambda: not _parked(database_url) and _synced(database_url, refused), what="in sync")
        again = cli(service, sims, "replay", "--config", str(config), "--all-failed")
        assert again.returncode == 1 and "nothing to replay" in again.stdout
    finally:
        service.process.stop()
    created = epics(sims, "Chen Wei")
    assert len(created) == 1 and "Platform" not in str(created[0]["fields"]["labels"])
    requests = httpx2.get(f"{sims.jira_url}/_sim/requests", timeout=10).json()["data"]
    assert sum(r["method"] == "POST" and r["path"].endswith("/issue") for r in requests) == 1


def _parked(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM effects WHERE state = 'failed'").fetchone()
    return int(row[0]) if row else 0


def _synced(database_url: str, opportunity_id: str) -> bool:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT synced_version >= desired_version AND desired_version > 0 FROM subjects WHERE id = %s",
            (opportunity_id,),
        ).fetchone()
    return bool(row and row[0])


def _swept(database_url: str) -> bool:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT last_finished_at IS NOT NULL FROM sweep_cursors WHERE stream = 'opportunities'"
        ).fetchone()
    return bool(row and row[0])


def test_a_failing_reconcile_is_shown_until_a_retry_succeeds(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    config = write_config(tmp_path, 3600)
    service = start(sims, database_url, log_dir, config)
    try:
        # Jira is down: every call answers 500 or 503.
        httpx2.post(f"{sims.jira_url}/_sim/faults", json={"rate_5xx": 1.0}, timeout=10).raise_for_status()
        opportunity = add_candidate(sims, "Eero Down", AE_POSTING)
        accept(sims, opportunity)

        def status() -> dict[str, Any]:
            done = cli(service, sims, "status", "--config", str(config), "--json")
            assert done.returncode == 0, done.stderr  # behind for less than --behind-seconds
            return dict(json.loads(done.stdout)["connections"]["main"])

        main = wait_for(
            # status reads its counts and its lists one after the other: the first failure can land
            # between them, so wait until both show it.
            lambda: (found := status())["errored_subjects"] and found["subjects"]["errored"] and found,
            timeout=60,
            every=1.0,
            what="the failing reconcile in status",
        )
        assert main["subjects"]["errored"] == 1
        [shown] = main["errored_subjects"]
        assert shown["subject"] == f"opportunity:{opportunity}" and "jira answered 50" in shown["error"]
        human = cli(service, sims, "status", "--config", str(config))
        assert f"opportunity:{opportunity}: jira answered 50" in human.stdout, human.stdout

        httpx2.post(f"{sims.jira_url}/_sim/faults", json={"rate_5xx": 0}, timeout=10).raise_for_status()
        wait_for(lambda: epics(sims, "Eero Down"), timeout=60, every=0.5, what="the epic once Jira is back")
        wait_for(lambda: not status()["errored_subjects"], timeout=30, every=1.0, what="the error cleared")
    finally:
        service.process.stop()
    assert len(epics(sims, "Eero Down")) == 1
