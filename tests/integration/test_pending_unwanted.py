"""A worker dies between an effect's intent and its outcome, and the candidate then moves back so the
effect is no longer wanted: the next reconcile still looks its marker up, records what it finds and
forgets what never landed, so nothing stays pending for good."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from test_sweep import CONFIG, LOOPBACK, RITA, add_candidate, lever, running

from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.sims.lever import create_app
from hirebridge.store import ledger


@pytest.mark.parametrize("landed", [True, False])
async def test_a_pending_effect_no_longer_wanted_is_found_or_forgotten(
    database_url: str, tmp_path: Path, landed: bool
) -> None:
    lever_app: Any = create_app(webhook_settings=LOOPBACK)
    config_path = tmp_path / "config.yaml"
    config_path.write_text(CONFIG)
    async with lever(lever_app) as client:
        opportunity = await add_candidate(client, "Wren Walker")  # before Onsite: "accepted" does not apply
        subject = Subject("main", "opportunity", opportunity)
        marker = effect_marker(subject, "accepted", "note")
        note_id = None
        if landed:
            body = {"value": f"Accepted\n\n(hirebridge ref {marker})"}
            response = await client.post(
                f"/v1/opportunities/{opportunity}/notes", params={"perform_as": RITA}, json=body
            )
            note_id = response.json()["data"]["id"]
    async with running(database_url, config_path, lever_app) as service:
        intent = {
            "recipe": "accepted",
            "key": "note",
            "effect_kind": "lever_note",
            "target": "lever:main",
            "marker": marker,
            "status": None,
            "content_hash": None,
        }
        await ledger.record_intents(service.pool, subject, [intent])
        await service.reconcile(subject)
        effects = await ledger.effects_of(service.pool, subject)
    with psycopg.connect(database_url) as conn:
        (audited,) = conn.execute(
            "SELECT array_agg(action) FROM audit WHERE subject_id = %s AND action LIKE 'pending-%%'",
            (opportunity,),
        ).fetchone() or (None,)
    if landed:
        record = effects[("accepted", "note")]
        assert (record.state, record.external_id) == ("done", note_id)
        assert audited == ["pending-found"]
    else:
        assert ("accepted", "note") not in effects
        assert audited == ["pending-forgotten"]
