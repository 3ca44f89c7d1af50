"""Private by default: what a candidate is (name, email, phone) never reaches hirebridge's log, even at
DEBUG and even when Jira refuses a write and quotes the candidate's name back in its error."""

from __future__ import annotations

from pathlib import Path

import psycopg
from e2e_support import Simulators, start_service, wait_for
from lever_actions import Recruiter, jira_search, to_offer_signed

NAME = "Zuzanna Quillfeather"
CONFIG = """
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}", workers: 2}
lever:
  main:
    base_url: ${LEVER_BASE_URL}
    api_key: ${LEVER_API_KEY}
    perform_as: rita@example.com
jira:
  main:
    base_url: ${JIRA_BASE_URL}
    email: admin@example.com
    api_token: ${JIRA_API_TOKEN}
    search_consistency_seconds: 1
recipes:
  - name: onboarding
    when: {stage_reached: Offer}
    allow: [candidate.name, candidate.emails]
    actions:
      - id: epic
        jira_issue:
          project: ONB
          type: Epic
          summary: "Onboarding {{ candidate.name }}"
          description: "Reach them at {{ candidate.emails | join(', ') }}"
      # Jira refuses a label with a space, quoting it: "The label '…' contains spaces which is invalid."
      - id: badge
        jira_issue: {project: ONB, type: Task, summary: "Badge", labels: ["{{ candidate.name }}"]}
"""


def test_candidate_data_stays_out_of_the_log(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "hirebridge.yaml"
    config.write_text(CONFIG)
    service = start_service(sims, database_url, log_dir, config=config, env={"HIREBRIDGE_LOG_LEVEL": "DEBUG"})
    try:
        lever = Recruiter(sims)
        try:
            to_offer_signed(lever, NAME)
        finally:
            lever.close()

        def parked() -> str | None:
            with psycopg.connect(database_url) as conn:
                row = conn.execute("SELECT last_error FROM effects WHERE key = 'badge' AND state = 'failed'")
                found = row.fetchone()
            return str(found[0]) if found else None

        reason = wait_for(parked, what="the refused badge parked")
        epics = wait_for(
            lambda: [i for i in jira_search(sims, "project = ONB") if i["fields"]["summary"].endswith(NAME)],
            what="the epic",
            every=0.25,
        )
        assert len(epics) == 1
    finally:
        service.process.stop()
    log = service.process.output()
    assert NAME in reason  # Jira's words, kept for the operator in the store ...
    assert "effect parked" in log and "reconciled" in log  # ... while the log tells what happened
    for private in ("Zuzanna", "Quillfeather", "quillfeather", "@example.net", "555 0100"):
        assert private not in log, f"{private!r} in the service log"
