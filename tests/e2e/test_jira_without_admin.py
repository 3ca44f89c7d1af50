"""A Jira token whose user is not a Jira administrator: Jira refuses its admin webhook (Atlassian's
webhooks guide, https://developer.atlassian.com/cloud/jira/platform/webhooks/).
hirebridge says once what to set up by hand and keeps writing to Jira; with the webhook made by a Jira
admin and `register_webhook: false`, Jira's events reach it signed with the configured secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import psycopg
from e2e_support import JIRA_AUTH, Service, Simulators, start_service, wait_for
from lever_actions import Recruiter, jira_search
from test_connections import verify as verify_all

SECRET = "a secret the Jira admin typed in"
CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}", workers: 2}
lever:
  main: {base_url: "${LEVER_BASE_URL}", api_key: "${LEVER_API_KEY}", perform_as: rita@example.com}
jira:
  main:
    base_url: ${JIRA_BASE_URL}
    email: rita@example.com          # a Jira user without administrator rights
    api_token: ${JIRA_API_TOKEN}
    search_consistency_seconds: 1
%(webhook)s
recipes:
  - name: onboarding
    when: {stage_reached: Offer}
    allow: [candidate.name]
    actions:
      - id: epic
        jira_issue: {project: ONB, type: Epic, summary: "Onboarding {{ candidate.name }}"}
"""
EVENTS = ["comment_created", "comment_updated", "jira:issue_updated"]


def write(tmp_path: Path, webhook: str) -> Path:
    path = tmp_path / "hirebridge.yaml"
    path.write_text(CONFIG % {"webhook": webhook})
    return path


def verify(service: Service, sims: Simulators, config: Path) -> dict[str, Any]:
    return verify_all(service, sims, config)[1]["jira:main"]  # type: ignore[no-any-return]


def test_a_token_without_jira_admin_rights(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    config = write(tmp_path, "")
    service = start_service(sims, database_url, log_dir, config=config)
    port = int(service.url.rsplit(":", 1)[1])
    try:
        wait_for(lambda: "no administrator rights" in service.process.output(), what="the log line")
        jira = verify(service, sims, config)
        registered = jira["webhooks registered"]
        assert registered["ok"] is False, jira  # type: ignore[index]
        detail = str(registered["detail"])  # type: ignore[index]
        assert "not a Jira administrator" in detail and "register_webhook: false" in detail
        assert f"{service.url}/webhooks/jira/main" in detail and "comment_created" in detail
        assert jira["authenticated"]["ok"] is True  # type: ignore[index]
    finally:
        service.process.stop()
    assert service.process.output().count("no administrator rights") == 1, "not tried again"

    # A Jira administrator creates the webhook by hand, with the secret given to hirebridge.
    url = f"{service.url}/webhooks/jira/main"
    made = httpx2.post(
        f"{sims.jira_url}/rest/webhooks/1.0/webhook",
        auth=JIRA_AUTH,
        json={"name": "hirebridge", "url": url, "events": EVENTS, "secret": SECRET},
        timeout=10,
    )
    assert made.status_code == 201, made.text
    config = write(tmp_path, f'    register_webhook: false\n    webhook_secret: "{SECRET}"')
    service = start_service(sims, database_url, log_dir, config=config, port=port)
    lever = Recruiter(sims)
    try:
        assert verify(service, sims, config)["webhooks verified"]["ok"] is True  # type: ignore[index]
        opportunity = lever.create("Nell Nonadmin")
        lever.move(opportunity, "Phone Screen", "Offer")
        epic = wait_for(lambda: jira_search(sims, "project = ONB"), what="the epic written with the token")
        paragraph = {"type": "paragraph", "content": [{"type": "text", "text": "Welcome aboard"}]}
        httpx2.post(
            f"{sims.jira_url}/rest/api/3/issue/{epic[0]['key']}/comment",
            auth=("erin@example.com", "sim-token"),
            json={"body": {"type": "doc", "version": 1, "content": [paragraph]}},
            timeout=10,
        ).raise_for_status()

        def stored() -> int:
            with psycopg.connect(database_url) as conn:
                row = conn.execute("SELECT count(*) FROM jira_events WHERE event = 'comment_created'")
                return int(row.fetchone()[0])  # type: ignore[index]

        wait_for(stored, what="the comment event, verified with the hand-made webhook's secret")
    finally:
        lever.close()
        service.process.stop()
