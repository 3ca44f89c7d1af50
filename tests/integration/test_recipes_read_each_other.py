"""A recipe that reads what other recipes made (`linked_issues`) sees what a later recipe's run in the
same reconcile made of the ledger: here a Jira issue whose create's outcome a crash lost is found by a
recipe evaluated after the one that posts the closure note, and the note is still posted in that
reconcile, with nothing left to wake another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import psycopg
from test_sweep import LOOPBACK, RITA, add_candidate, lever

from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.runtime import queue
from hirebridge.runtime.configuration import load_config
from hirebridge.runtime.service import Service
from hirebridge.sims.jira import create_app as jira_sim
from hirebridge.sims.lever import create_app as lever_sim
from hirebridge.store import ledger
from hirebridge.store.database import open_pool

CONFIG = """
version: 1
lever:
  main:
    base_url: http://lever
    api_key: sim-lever-key
    sweep_interval_seconds: 3600
    poll_interval_seconds: 3600
jira:
  main: {base_url: "http://jira", email: admin@example.com, api_token: sim-token}
recipes:
  - name: closing
    when:
      archived: not-hired
      match: "{{ linked_issues | length > 0 }}"
    actions:
      - id: note
        lever_note: {text: "Closed"}
  - name: work
    when: {in_stage: [New Applicant]}
    on_reversal: {cancel_status: Done}
    actions:
      - id: task
        jira_issue: {project: HIRE, type: Task, summary: "Work"}
"""
NOT_A_FIT = "e096778a-c1da-5e30-8263-cfd030768468"


async def test_a_closure_note_follows_an_issue_found_later_in_the_same_reconcile(
    database_url: str, tmp_path: Path
) -> None:
    lever_app: Any = lever_sim(webhook_settings=LOOPBACK)
    jira_app: Any = jira_sim()
    config_path = tmp_path / "config.yaml"
    config_path.write_text(CONFIG)
    async with lever(lever_app) as client:
        opportunity = await add_candidate(client, "Wren Walker")
        subject = Subject("main", "opportunity", opportunity)
        marker = effect_marker(subject, "work", "task")
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=jira_app),
            base_url="http://jira",
            auth=("admin@example.com", "sim-token"),
        ) as jira:
            # The create landed in Jira; the worker died before recording its outcome.
            fields = {
                "project": {"key": "HIRE"},
                "issuetype": {"name": "Task"},
                "summary": "Work",
                "labels": [marker],
            }
            created = await jira.post("/rest/api/3/issue", json={"fields": fields})
            assert created.status_code == 201, created.text
        archived = await client.put(
            f"/v1/opportunities/{opportunity}/archived",
            params={"perform_as": RITA},
            json={"reason": NOT_A_FIT},
        )
        archived.raise_for_status()
    transports = {
        "lever:main": httpx2.ASGITransport(app=lever_app),
        "jira:main": httpx2.ASGITransport(app=jira_app),
    }
    async with open_pool(database_url, max_size=4) as pool:
        await queue.app.open_async(pool=pool)
        service = Service.build(load_config(config_path), pool, transports=transports)
        try:
            intent = {
                "recipe": "work",
                "key": "task",
                "effect_kind": "jira_issue",
                "target": "jira:main",
                "marker": marker,
                "status": None,
                "content_hash": None,
            }
            await ledger.record_intents(pool, subject, [intent])
            await service.reconcile(subject)
            effects = await ledger.effects_of(pool, subject)
        finally:
            await service.aclose()
            await queue.app.close_async()

    task = effects[("work", "task")]
    assert (task.state, task.status) == ("done", "Done")
    note = effects[("closing", "note")]
    assert note.state == "done"
    async with lever(lever_app) as client:
        notes = (await client.get(f"/v1/opportunities/{opportunity}/notes")).json()["data"]
    closing = effect_marker(subject, "closing", "note")
    assert [n for n in notes if any(closing in str(f.get("value")) for f in n["fields"])], notes
    with psycopg.connect(database_url) as conn:
        (found,) = conn.execute(
            "SELECT count(*) FROM audit WHERE subject_id = %s AND action = 'pending-found'", (opportunity,)
        ).fetchone() or (0,)
    assert found == 1
