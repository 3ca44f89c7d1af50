"""`hirebridge check` and `hirebridge plan` as a user runs them, against the simulators.

`plan` must print exactly what a following apply does: the plan is taken while the webhooks wait in
the queue (the service runs without workers), then a worker applies them and the Jira issues, JSM
requests and Lever notes made are compared with the plan; planning again finds nothing to do.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest
from e2e_support import DEMO_CONFIG, JIRA_AUTH, LEVER_KEY, RECRUITER_KEY, Simulators, start_service, wait_for
from lever_actions import lever_notes

from hirebridge.demo.processes import ManagedProcess
from hirebridge.demo.run import wait_until_synced
from hirebridge.demo.season import Candidate, Recruiter

MARKER = re.compile(r"\n\n\(hirebridge ref hb-[0-9a-f]+\)$")


def sim_env(sims: Simulators, database_url: str) -> dict[str, str]:
    return {
        "HIREBRIDGE_DATABASE_URL": database_url,
        "LEVER_BASE_URL": sims.lever_url,
        "LEVER_API_KEY": LEVER_KEY,
        "JIRA_BASE_URL": sims.jira_url,
        "JIRA_API_TOKEN": JIRA_AUTH[1],
        "JIRA_SEARCH_CONSISTENCY_SECONDS": "2",
    }


def hirebridge(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hirebridge", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_check(sims: Simulators, config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**sim_env(sims, "postgresql://unused"), "HIREBRIDGE_PUBLIC_URL": "http://127.0.0.1:1"}
    return hirebridge("check", "--config", str(config), *extra, env=env)


# check ---------------------------------------------------------------------------------------------


def broken_config(tmp_path: Path, old: str, new: str) -> Path:
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_check_accepts_the_demo_config_and_reports_privacy_opt_ins(sims: Simulators) -> None:
    result = run_check(sims, DEMO_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout
    # Lever's own Offer stage, found by its system id: offers are polled there.
    assert "offer stage: 'Offer' (id offer), found by Lever's offer stage" in result.stdout
    if "offer.salary_amount" in DEMO_CONFIG.read_text(encoding="utf-8"):
        assert "allows compensation: 'offer.salary_amount'" in result.stdout


def test_check_names_unknown_stage_with_closest_real_ones(sims: Simulators, tmp_path: Path) -> None:
    config = broken_config(tmp_path, "stage_reached: Offer\n", "stage_reached: Ofer\n")
    result = run_check(sims, config)
    assert result.returncode == 1
    where = f"{config}:{line_of(config, 'stage_reached: Ofer')}:"
    problem = next(line for line in result.stdout.splitlines() if "'Ofer'" in line)
    assert where in result.stdout
    assert "onboarding" in problem and "'Offer'" in problem


def test_check_names_a_configured_offer_stage_lever_lacks(sims: Simulators, tmp_path: Path) -> None:
    config = broken_config(
        tmp_path,
        "    perform_as: rita@example.com\n",
        "    perform_as: rita@example.com\n    offer_stage: Offer Extended\n",
    )
    result = run_check(sims, config)
    assert result.returncode == 1
    assert f"{config}:{line_of(config, 'offer_stage: Offer Extended')}:" in result.stdout
    assert "Lever has no stage 'Offer Extended' (offer_stage)" in result.stdout


def test_check_names_a_user_whose_email_jira_hides(sims: Simulators, tmp_path: Path) -> None:
    """Mona's Jira profile hides her email: without the config's users map, Jira cannot find her by it."""
    config = broken_config(tmp_path, "    users:\n      mona@example.com: 5b10ac8d82e05b22cc7d4e04\n", "")
    result = run_check(sims, config)
    assert result.returncode == 1
    problem = " ".join(line.strip() for line in result.stdout.splitlines() if "mona@example.com" in line)
    assert "Jira finds no user with the email 'mona@example.com'" in problem, result.stdout
    assert "lookup table 'assessment_reviewer'" in problem and "write their accountId instead" in problem
    assert "'Mona Manager' (accountId 5b10ac8d82e05b22cc7d4e04)" in result.stdout.replace("\n", " ")


def test_check_names_unknown_jira_project(sims: Simulators, tmp_path: Path) -> None:
    config = broken_config(tmp_path, "project: HC\n", "project: HCX\n")
    result = run_check(sims, config)
    assert result.returncode == 1
    line = line_of(config, "project: HCX")
    assert f"{config}:{line}:" in result.stdout
    assert "no project 'HCX'" in result.stdout and "'HC'" in result.stdout
    assert "headcount" in result.stdout and "plan" in result.stdout


def test_check_names_status_missing_from_the_workflow(sims: Simulators, tmp_path: Path) -> None:
    config = broken_config(tmp_path, "cancel_status: Done\n", "cancel_status: Archived\n")
    result = run_check(sims, config)
    assert result.returncode == 1
    assert f"{config}:{line_of(config, 'cancel_status: Archived')}:" in result.stdout
    assert "'Archived'" in result.stdout and "HIRE" in result.stdout
    assert "'To Do', 'In Progress', 'Done', 'Cancelled'" in result.stdout


def test_check_names_an_impossible_parent(sims: Simulators, tmp_path: Path) -> None:
    config = broken_config(
        tmp_path, "type: Task\n          parent: epic", "type: Sub-task\n          parent: epic"
    )
    result = run_check(sims, config)
    assert result.returncode == 1
    assert "onboarding/laptop" in result.stdout
    assert "a Sub-task cannot be created under an Epic in ONB" in result.stdout


def test_check_names_template_field_not_allowlisted(sims: Simulators, tmp_path: Path) -> None:
    config = broken_config(
        tmp_path, 'assignee: "{{ hiring_manager.email }}"', 'assignee: "{{ candidate.emails[0] }}"'
    )
    result = run_check(sims, config, "--offline")
    assert result.returncode == 1
    assert f"{config}:{line_of(config, 'candidate.emails[0]')}:" in result.stdout
    assert "candidate.emails" in result.stdout and "sensitive" in result.stdout


# plan ----------------------------------------------------------------------------------------------


async def _offer_accepted(sims: Simulators) -> Candidate:
    recruiter = Recruiter(sims.lever_url, RECRUITER_KEY)
    try:
        await recruiter.load()
        candidate = Candidate("Grace Okafor", "Offer signed")
        posting = next(p for p in recruiter.postings if p["text"] == "Senior Backend Engineer")
        await recruiter.create(candidate, posting)
        start = datetime.now(UTC) + timedelta(days=21)
        for stage in ("Onsite", "Offer"):
            await recruiter.move(candidate, stage)
        await recruiter.extend_offer(candidate, start, signed=True)
        return candidate
    finally:
        await recruiter.aclose()


def jira_search(sims: Simulators, jql: str) -> list[dict[str, Any]]:
    response = httpx2.post(
        f"{sims.jira_url}/rest/api/3/search/jql",
        auth=JIRA_AUTH,
        timeout=10,
        json={
            "jql": jql,
            "fields": ["summary", "parent", "issuetype", "project", "assignee"],
            "maxResults": 100,
        },
    )
    response.raise_for_status()
    return response.json()["issues"]


def plan_json(sims: Simulators, database_url: str, opportunity_id: str) -> dict[str, Any]:
    env = sim_env(sims, database_url)
    result = hirebridge(
        "plan", "--config", str(DEMO_CONFIG), "--opportunity", opportunity_id, "--json", env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)["subjects"][0]


def test_plan_shows_exactly_what_the_apply_then_does(
    sims: Simulators, database_url: str, log_dir: Path
) -> None:
    # Webhooks are stored and queued, but nothing applies them until a worker starts.
    service = start_service(sims, database_url, log_dir, args=("--no-workers",))
    worker = None
    try:
        candidate = asyncio.run(_offer_accepted(sims))
        wait_for(lambda: _queued(database_url) >= 1, what="queued reconcile")
        planned = plan_json(sims, database_url, candidate.id)
        writes = planned["writes"]
        creates = [w for w in writes if w["op"] == "create"]
        epic = next(w for w in creates if w["issue_type"] == "Epic" and w["project"] == "ONB")
        assert epic["ref"] == "ONB-NEW1" or epic["ref"].startswith("ONB-NEW")
        children = [w for w in creates if w["parent"] == epic["ref"]]
        assert len(children) == 3
        notes = [w for w in writes if w["op"] == "note"]
        assert any(epic["ref"] in n["text"] for n in notes)
        # Nothing was written anywhere by planning.
        assert jira_search(sims, "project in (ONB, HIRE, HC, ITSD, LEGAL)") == []
        assert lever_notes(sims, candidate.id) == []
        with psycopg.connect(database_url) as conn:
            assert conn.execute("SELECT count(*) FROM effects").fetchone() == (0,)

        worker = ManagedProcess(
            "plan-worker",
            ["worker", "--config", str(DEMO_CONFIG)],
            env={**sim_env(sims, database_url), "HIREBRIDGE_PUBLIC_URL": service.url},
            log_dir=log_dir,
        )
        wait_until_synced(database_url, sims.lever_url, timeout=40)

        # Placeholder keys → the keys Jira gave, matched by recipe and action through the ledger.
        with psycopg.connect(database_url) as conn:
            made = dict(
                conn.execute(
                    "SELECT recipe || '/' || key, external_key FROM effects WHERE subject_id = %s",
                    (candidate.id,),
                ).fetchall()
            )
        assert set(made) == {f"{w['recipe']}/{w['key']}" for w in writes}
        real = {
            w["ref"]: made[f"{w['recipe']}/{w['key']}"] for w in writes if w["op"] in ("create", "request")
        }

        def resolve(text: str) -> str:
            for placeholder, key in sorted(real.items(), key=lambda kv: -len(kv[0])):
                text = text.replace(placeholder, key)
            return text

        issues = {i["key"]: i for i in jira_search(sims, "project in (ONB, HIRE) ORDER BY key")}
        assert sorted(issues) == sorted(real[w["ref"]] for w in creates)
        for write in creates:
            issue = issues[real[write["ref"]]]["fields"]
            assert issue["summary"] == write["summary"]
            assert issue["issuetype"]["name"] == write["issue_type"]
            assert issue["project"]["key"] == write["project"]
            assert (issue.get("parent") or {}).get("key") == (write["parent"] and real[write["parent"]])
            assert (issue.get("assignee") or {}).get("emailAddress") == write["assignee"]
        requests = [w for w in writes if w["op"] == "request"]
        requested = jira_search(sims, "project in (ITSD, LEGAL) ORDER BY key")
        assert sorted(i["fields"]["summary"] for i in requested) == sorted(w["summary"] for w in requests)
        posted = sorted(MARKER.sub("", n) for n in lever_notes(sims, candidate.id))
        assert posted == sorted(resolve(n["text"]) for n in notes)

        again = plan_json(sims, database_url, candidate.id)
        assert again["writes"] == [] and again["problems"] == {}
    finally:
        if worker is not None:
            worker.stop()
        service.process.stop()


def _queued(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs"
            " WHERE status = 'todo' AND task_name = 'reconcile_opportunity'"
        ).fetchone()
    return int(row[0]) if row else 0


@pytest.mark.parametrize("flags", [(), ("--json",)])
def test_plan_all_lists_every_subject_and_writes_nothing(
    sims: Simulators, database_url: str, flags: tuple[str, ...]
) -> None:
    candidate = asyncio.run(_offer_accepted(sims))
    env = sim_env(sims, database_url)
    result = hirebridge("plan", "--config", str(DEMO_CONFIG), "--all", *flags, env=env)
    assert result.returncode == 0, result.stderr
    if flags:
        subjects = json.loads(result.stdout)["subjects"]
        ours = next(s for s in subjects if s["id"] == candidate.id)
        assert any(w["op"] == "create" and w["issue_type"] == "Epic" for w in ours["writes"])
        assert any(s["kind"] == "requisition" for s in subjects)
    else:
        assert f"opportunity {candidate.id}" in result.stdout
        assert "ONB-NEW1" in result.stdout or "ONB-NEW" in result.stdout
        assert "nothing was written" in result.stdout
    assert jira_search(sims, "project in (ONB, HIRE, HC, ITSD, LEGAL)") == []
