"""`hirebridge status` as a cron check: its exit code says what is wrong, and `--json` keeps its shape."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from hirebridge.cli import app

CONFIG = """
version: 1
lever:
  main: {base_url: "http://lever", api_key: "${LEVER_API_KEY}"}
  partner:
    base_url: http://lever
    oauth: {client_id: c, client_secret: "${LEVER_CLIENT_SECRET}"}
jira:
  main: {base_url: "http://jira", email: a@example.com, api_token: "${JIRA_API_TOKEN}"}
recipes: []
"""
# The documented shape of `status --json` (docs/operations.md): scripts may rely on every key here.
TOP = {"format", "connections", "packets_waiting", "justworks", "health"}
CONNECTION = {
    "subjects", "errored_subjects", "jobs", "webhooks", "auth", "sweep", "parked", "parked_effects", "rollout"
}  # fmt: skip
ROLLOUT = {"mode", "known", "current", "pending", "failing", "waiting_for_apply", "orphans", "orphan_policy"}
SUBJECTS = {"known", "in_sync", "behind", "errored", "last_synced_at", "behind_seconds"}
HEALTH = {"ok", "exit_code", "problems", "thresholds"}
PROBLEM = {"condition", "connection", "message", "exit_code"}


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "hirebridge.yaml"
    path.write_text(CONFIG)
    env = {
        "HIREBRIDGE_DATABASE_URL": database_url,
        "HIREBRIDGE_CONFIG": str(path),
        "HIREBRIDGE_SECRET_KEY": "k" * 32,
        "LEVER_API_KEY": "key",
        "LEVER_CLIENT_SECRET": "secret",
        "JIRA_API_TOKEN": "token",
        "COLUMNS": "250",
    }

    def run(*args: str) -> tuple[int, str]:
        done = CliRunner().invoke(app, ["status", *args], env=env, catch_exceptions=False)
        return done.exit_code, done.stdout

    return run


def sql(database_url: str, statement: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def test_exit_codes_follow_the_thresholds(run, database_url: str) -> None:
    code, out = run("--json")
    report = json.loads(out)
    assert code == 0 and report["health"]["ok"] is True and report["health"]["problems"] == []
    assert set(report) == TOP and report["format"] == 1
    assert set(report["connections"]["main"]) == CONNECTION
    assert set(report["connections"]["partner"]) == CONNECTION | {"oauth"}
    assert set(report["connections"]["main"]["subjects"]) == SUBJECTS
    assert set(report["connections"]["main"]["rollout"]) == ROLLOUT
    assert set(report["health"]) == HEALTH
    assert set(report["packets_waiting"]) == {"held", "awaiting_review"}

    sql(
        database_url,
        "INSERT INTO subjects (connection, kind, id, desired_version)"
        " VALUES ('main', 'opportunity', 'o1', 2);"
        "UPDATE subjects SET behind_since = now() - interval '20 minutes'",
    )
    code, out = run("--json")
    report = json.loads(out)
    assert code == 3 and report["connections"]["main"]["subjects"]["behind_seconds"] >= 1200
    [problem] = report["health"]["problems"]
    assert set(problem) == PROBLEM and (problem["condition"], problem["connection"]) == ("behind", "main")
    assert run("--behind-seconds", "3600")[0] == 0

    sql(
        database_url,
        "INSERT INTO effects (connection, subject_kind, subject_id, recipe, key, kind, target, marker, state)"
        " VALUES ('main', 'opportunity', 'o1', 'onboarding', 'epic', 'jira_issue', 'main', 'm1', 'failed')",
    )
    code, out = run()
    assert code == 4  # parked outranks behind
    assert "unhealthy (main): 1 parked effect(s)" in out and "hirebridge replay" in out
    assert run("--max-parked", "1", "--behind-seconds", "3600")[0] == 0

    sql(
        database_url,
        "INSERT INTO oauth_tokens (connection, access_token, expires_at, refused)"
        " VALUES ('partner', 'sealed', now(), 'invalid_grant')",
    )
    code, out = run("--json")
    report = json.loads(out)
    assert code == 5 and report["health"]["exit_code"] == 5
    assert [p["condition"] for p in report["health"]["problems"]] == ["behind", "parked", "grant_refused"]
    assert report["connections"]["partner"]["oauth"]["state"] == "refused"


def test_a_refused_justworks_grant_is_unhealthy(run, database_url: str) -> None:
    sql(
        database_url,
        "INSERT INTO oauth_tokens (connection, access_token, expires_at, refused)"
        " VALUES ('justworks:payroll', 'sealed', now(), 'invalid_grant')",
    )
    code, out = run("--json")
    problems = json.loads(out)["health"]["problems"]
    assert code == 5 and [(p["connection"], p["condition"]) for p in problems] == [
        ("justworks:payroll", "grant_refused")
    ]
    assert "Justworks refused the OAuth grant" in problems[0]["message"]
    assert "connections connect justworks:payroll" in problems[0]["message"]


def test_a_healthy_human_status_says_so(run) -> None:
    code, out = run()
    assert code == 0 and out.rstrip().endswith("health: ok")
