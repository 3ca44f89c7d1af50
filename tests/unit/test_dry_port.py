from __future__ import annotations

import asyncio

from hirebridge.config.changes import Moved
from hirebridge.domain.effects import DesiredNote, EffectRecord
from hirebridge.domain.plan import PostNote
from hirebridge.runtime.dry_run import DryPort

EPIC = EffectRecord("onboarding", "epic", "jira_issue", "jira:main", "hb-1", "done", external_key="ONB-1")


def test_the_dry_port_moves_reports_and_records_without_writing() -> None:
    port = DryPort({("onboarding", "epic"): EPIC}, browse_urls={"main": "https://jira.example"})

    async def run() -> None:
        assert await port.move([Moved.model_validate({"from": "onboarding", "to": "hiring"})]) == 1
        await port.park("hiring", "note", "TemplateError: 'x' is undefined")
        note = DesiredNote("hiring", "note", "main", "Epic ONB-1")
        await port.apply([PostNote(note)], {})
        effects = await port.effects()
        assert set(effects) == {("hiring", "epic"), ("hiring", "note")}
        assert effects[("hiring", "note")].state == "done"

    asyncio.run(run())
    assert port.problems == {"hiring/note": "TemplateError: 'x' is undefined"}
    assert [(w.op, w.recipe, w.key, w.summary) for w in port.writes] == [
        ("note", "hiring", "note", "Epic ONB-1")
    ]
