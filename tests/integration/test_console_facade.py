"""The console's facade on a real PostgreSQL, with the Lever simulator in-process: search by name and
id, the timeline and its verdicts, erasure of the name index, viewer redaction, failures and retry,
packets, recipes, overview and the audit trail with who acted."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest
from psycopg import AsyncConnection

from hirebridge.domain.subjects import Subject, effect_marker
from hirebridge.runtime.configuration import load_config
from hirebridge.runtime.console import Console
from hirebridge.runtime.erasure import erasure_request
from hirebridge.runtime.service import Service
from hirebridge.sims.lever import create_app
from hirebridge.sims.lever.company import BACKEND_POSTING, ONSITE, RITA
from hirebridge.store import ledger, lifecycle, subjects
from hirebridge.store.database import open_pool

CONFIG = """
version: 1
lever:
  main: {base_url: http://lever, api_key: sim-lever-key}
jira:
  main: {base_url: "https://acme.atlassian.net", email: admin@example.com, api_token: sim-token}
recipes:
  - name: welcome
    when: {stage_reached: Onsite}
    allow: [{allow}]
    actions:
      - id: note
        lever_note: {text: "Onsite planned"}
  - name: offer
    when: {stage_reached: Offer, tags: [priority]}
    actions:
      - id: note
        lever_note: {text: "Offer"}
"""
SECRET = "console-test-secret"


class Deferred(list[Subject]):
    async def __call__(
        self, subject: Subject, *, connection: AsyncConnection | None = None, priority: int = 0
    ) -> int:
        assert connection is not None  # queued in the action's own transaction
        self.append(subject)
        return len(self)


@asynccontextmanager
async def console(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, allow: str = "candidate.name"
) -> AsyncIterator[tuple[Console, httpx2.AsyncClient, Deferred]]:
    monkeypatch.setenv("HIREBRIDGE_SECRET_KEY", SECRET)
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG.replace("{allow}", allow))
    lever_app = create_app()
    transport = httpx2.ASGITransport(app=lever_app)
    deferred = Deferred()
    async with (
        open_pool(database_url, max_size=4) as pool,
        httpx2.AsyncClient(
            transport=transport, base_url="http://lever", auth=("sim-lever-recruiter-key", "")
        ) as lever,
    ):
        service = Service.build(load_config(path), pool, transports={"lever:main": transport})
        try:
            yield Console(service, defer=deferred), lever, deferred
        finally:
            await service.aclose()


async def add_candidate(lever: httpx2.AsyncClient, name: str) -> Subject:
    response = await lever.post(
        "/v1/opportunities",
        params={"perform_as": RITA},
        json={"name": name, "postings": [BACKEND_POSTING], "stage": "applicant-new"},
    )
    response.raise_for_status()
    return Subject("main", "opportunity", str(response.json()["data"]["id"]))


async def sync(hub: Console, subject: Subject) -> None:
    """A hint (as a webhook stores one), then the reconcile it queues."""
    async with hub.pool.connection() as conn, conn.transaction():
        await subjects.hint(conn, subject)
    await hub.service.reconcile(subject)


async def move(lever: httpx2.AsyncClient, subject: Subject, stage: str) -> None:
    response = await lever.put(
        f"/v1/opportunities/{subject.id}/stage", params={"perform_as": RITA}, json={"stage": stage}
    )
    response.raise_for_status()


async def test_search_by_name_and_id_timeline_verdicts_and_erasure(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with console(database_url, tmp_path, monkeypatch) as (hub, lever, _):
        cleo = await add_candidate(lever, "Cléo Martin")
        other = await add_candidate(lever, "Martin Okafor")
        for subject in (cleo, other):
            await sync(hub, subject)

        assert hub.name_search
        found = await hub.search("cleo")
        assert [(r.subject, r.matched_by, r.display_name) for r in found.items] == [
            (cleo, "name", "Cléo Martin")
        ]
        assert [r.subject for r in (await hub.search("MARTIN  cléo")).items] == [cleo]
        assert {r.subject for r in (await hub.search("martin")).items} == {cleo, other}
        assert (await hub.search("cle")).items == []  # whole words only: the index holds no prefixes
        by_id = await hub.search(cleo.id[:8].upper())
        assert [(r.subject, r.matched_by) for r in by_id.items] == [(cleo, "id")]
        assert [r.subject for r in (await hub.search(cleo.id)).items] == [cleo]
        paged = await hub.search("martin", per_page=1)
        assert len(paged.items) == 1 and paged.has_next
        assert not (await hub.search("martin", page=2, per_page=1)).has_next
        with psycopg.connect(database_url) as conn:
            tokens = [bytes(t) for (t,) in conn.execute("SELECT token FROM subject_names").fetchall()]
        assert len(tokens) == 4 and not any(b"cleo" in t or b"martin" in t for t in tokens)

        before = await hub.timeline(cleo, viewer=False)
        assert before.known and before.display_name == "Cléo Martin" and before.stage == "New Applicant"
        assert [(v.recipe, v.applies, v.unmet) for v in before.verdicts] == [
            ("welcome", False, ("stage_reached: Onsite",)),
            ("offer", False, ("stage_reached: Offer", "tags: priority")),
        ]
        await move(lever, cleo, ONSITE)
        await sync(hub, cleo)
        after = await hub.timeline(cleo, viewer=False)
        assert [(v.recipe, v.applies) for v in after.verdicts] == [("welcome", True), ("offer", False)]
        kinds = [(e.kind, e.title) for e in after.entries]
        assert kinds.count(("reconcile", "reconciled")) == 2
        effect = next(e for e in after.entries if e.kind == "effect")
        assert (effect.title, effect.state) == ("welcome/note", "done")
        stages = [e.detail.get("stage") for e in after.entries if e.title == "reconciled"]
        assert stages == ["New Applicant", "Onsite"]
        assert [e.at for e in after.entries] == sorted(e.at for e in after.entries)

        async with hub.pool.connection() as conn:
            await lifecycle.request_erasure(
                conn, cleo, erasure_request("dpo@example.com", "asked to be forgotten")
            )
        await sync(hub, cleo)
        assert (await hub.search("cleo")).items == []
        assert [r.subject for r in (await hub.search("martin")).items] == [other]
        erased = await hub.timeline(cleo, viewer=False)
        assert erased.erased and erased.display_name is None


async def test_a_requisition_is_found_by_its_name_or_code_and_shown_with_them(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with console(database_url, tmp_path, monkeypatch) as (hub, lever, _):
        created = await lever.post(
            "/v1/requisitions",
            json={"requisitionCode": "ENG-742", "name": "Staff Platform Engineer", "headcountTotal": 2},
        )
        assert created.status_code in (200, 201), created.text
        requisition = Subject("main", "requisition", str(created.json()["data"]["id"]))
        await sync(hub, requisition)
        shown = "Staff Platform Engineer ENG-742"
        for text in ("platform engineer", "eng-742", "ENG 742"):
            found = await hub.search(text, viewer=True)  # a job opening: a viewer sees its name too
            assert [(r.subject, r.matched_by, r.display_name) for r in found.items] == [
                (requisition, "name", shown)
            ], text
        assert (await hub.search("platform designer")).items == []
        timeline = await hub.timeline(requisition, viewer=True)
        assert timeline.display_name == shown


async def test_a_viewer_sees_no_name_the_recipes_do_not_send_and_no_operator_text(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with console(database_url, tmp_path, monkeypatch, allow="posting.title") as (hub, lever, _):
        ada = await add_candidate(lever, "Ada Quist")
        await sync(hub, ada)
        await ledger.park(
            hub.pool, ada, recipe="welcome", key="it", kind="jira_issue", target="jira:main",
            marker=effect_marker(ada, "welcome", "it"),
            error="jira answered 400: ada.quist@example.com is not valid",
        )  # fmt: skip
        await ledger.audit(
            hub.pool, ada, "forget-asked", {"reason": "Ada Quist wrote to us"}, actor="dpo@x.io"
        )

        operator = await hub.timeline(ada, viewer=False)
        viewer = await hub.timeline(ada, viewer=True)
        assert operator.display_name == "Ada Quist" and viewer.display_name is None
        assert (await hub.search("ada", viewer=True)).items[0].display_name is None
        assert (await hub.search("ada")).items[0].display_name == "Ada Quist"
        text = repr(viewer)
        assert "Ada" not in text and "Quist" not in text and "example.com" not in text
        parked = next(e for e in viewer.entries if e.kind == "effect")
        assert (
            parked.state == "failed" and parked.detail["error"] == "jira answered 400: <email> is not valid"
        )
        asked = next(e for e in operator.entries if e.title == "forget-asked")
        assert asked.actor == "dpo@x.io" and asked.detail == {"reason": "Ada Quist wrote to us"}


async def test_failures_by_cause_retry_and_the_audit_trail_with_who_acted(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, bea, cy = (Subject("main", "opportunity", f"opp-{n}") for n in ("ada", "bea", "cy"))
    start = datetime.now(UTC) - timedelta(minutes=1)
    async with console(database_url, tmp_path, monkeypatch) as (hub, _, deferred):
        for subject, key, error in (
            (ada, "it", "jira answered 400: Field 'labels' value 'x y' is invalid"),
            (bea, "it", "jira answered 400: Field 'labels' value 'a b' is invalid"),
            (cy, "epic", "jira answered 403: no permission for ACME-12"),
        ):
            await ledger.park(
                hub.pool, subject, recipe="welcome", key=key, kind="jira_issue", target="jira:main",
                marker=effect_marker(subject, "welcome", key), error=error,
            )  # fmt: skip
        listed = await hub.failures()
        assert len(listed.items) == 3 and not listed.has_next
        causes = await hub.causes()
        assert [c.count for c in causes] == [2, 1]
        assert causes[0].text == "jira answered …: Field … value … is invalid"
        same = await hub.failures(causes[0].cause)
        assert {r.subject for r in same.items} == {ada, bea}
        assert (await hub.failures(per_page=2)).has_next

        cy_row = next(r for r in listed.items if r.subject == cy)
        assert await hub.retry(cy_row.effect, "ops@acme.io")
        assert not await hub.retry(cy_row.effect, "ops@acme.io")  # not parked any more
        assert not await hub.retry("not-an-effect", "ops@acme.io")
        assert await hub.retry_cause(causes[0].cause, "ops@acme.io") == 2
        assert (await hub.failures()).items == []
        assert sorted(deferred) == [ada, bea, cy]

        await hub.reconcile(ada, "ops@acme.io")
        assert deferred[-1] == ada
        await hub.record("=cmd|' /C calc'!A0", "signed-in", {"method": "password"})
        rows = await hub.audit(start, datetime.now(UTC) + timedelta(minutes=1))
        assert [(r.action, r.actor) for r in rows if r.actor] == [
            ("replayed", "ops@acme.io"),
            ("replayed", "ops@acme.io"),
            ("replayed", "ops@acme.io"),
            ("reconcile-asked", "ops@acme.io"),
            ("signed-in", "=cmd|' /C calc'!A0"),
        ]
        assert rows[-1].subject is None
        csv_text = await hub.audit_csv(start, datetime.now(UTC) + timedelta(minutes=1))
        assert csv_text.splitlines()[0] == "id,at,actor,action,connection,subject_kind,subject_id,detail"
        assert "'=cmd" in csv_text  # not a formula in a spreadsheet
        exported = json.loads(await hub.audit_json(start, datetime.now(UTC) + timedelta(minutes=1)))
        assert exported[-1]["action"] == "signed-in" and exported[-1]["subject_id"] is None
        assert await hub.audit(start - timedelta(days=1), start) == []


async def test_plan_reconcile_recipes_packets_and_overview(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with console(database_url, tmp_path, monkeypatch) as (hub, lever, deferred):
        dee = await add_candidate(lever, "Dee Novak")
        await move(lever, dee, ONSITE)
        planned = await hub.plan(dee)
        assert [(w.op, w.recipe) for w in planned.plan.writes] == [("note", "welcome")]
        assert [(v.recipe, v.applies) for v in planned.verdicts] == [("welcome", True), ("offer", False)]
        with psycopg.connect(database_url) as conn:
            assert conn.execute("SELECT count(*) FROM effects").fetchone() == (0,)  # a plan writes nothing

        with psycopg.connect(database_url, autocommit=True) as conn:  # the webhook of the move
            conn.execute(
                "INSERT INTO inbox (source, connection, dedupe_key, event, subject_kind, subject_id, payload,"
                " received_at) VALUES ('lever', 'main', 'k1', 'candidateStageChange', 'opportunity', %s,"
                " '{}', now() - interval '3 seconds')",
                (dee.id,),
            )
        await hub.reconcile(dee, "ops@acme.io")
        assert deferred == [dee]
        await hub.service.reconcile(dee)

        view = await hub.recipes()
        assert [(t.name, t.when, t.allow) for t in view.recipes] == [
            ("welcome", {"stage_reached": "Onsite"}, ["candidate.name"]),
            ("offer", {"stage_reached": "Offer", "tags": "priority"}, []),
        ]
        assert view.recipes[0].actions == [{"id": "note", "kind": "lever_note", "target": ""}]
        assert view.rollout["main"]["known"] == 1

        with psycopg.connect(database_url, autocommit=True) as conn:
            for packet_id, status in (("pkt_held", "held"), ("pkt_sent", "sent")):
                conn.execute(
                    "INSERT INTO packets (id, lever_connection, subject_kind, subject_id, recipe, key,"
                    " justworks_connection, status, source, problems) VALUES (%s, 'main', 'opportunity',"
                    " %s, 'hire', %s, 'main', %s, '{\"first_name\": \"Dee\"}', %s)",
                    (
                        packet_id,
                        dee.id,
                        packet_id,
                        status,
                        json.dumps([{"field": "email", "message": "no home email"}]),
                    ),
                )
        held = await hub.packets("held")
        assert [(p.id, p.problems) for p in held.items] == [("pkt_held", ["no home email"])]
        assert (await hub.packets("held", viewer=True)).items[0].problems == []
        assert {p.id for p in (await hub.packets()).items} == {"pkt_sent", "pkt_held"}
        link = await hub.review_link("pkt_held", "paula@acme.io")
        assert link is not None and link.startswith("/review/packets/")
        assert await hub.review_link("pkt_nope", "paula@acme.io") is None
        from hirebridge.store import packets as packet_store

        row = await packet_store.by_token(hub.pool, link.rsplit("/", 1)[1])
        assert row is not None and row["id"] == "pkt_held"

        overview = await hub.overview()
        lever_health = next(c for c in overview.connections if c.kind == "lever")
        assert lever_health.name == "main" and lever_health.auth == "api key"
        assert overview.subjects["main"]["known"] == 1 and overview.subjects["main"]["in_sync"] == 1
        assert sum(p.value for p in overview.throughput["reconciled"]) == 1
        [lag] = overview.lag["max_seconds"]  # from the webhook to the reconcile that ended after it
        assert 3 <= lag.value < 60
        jira = next(c for c in overview.connections if c.kind == "jira")
        assert jira.authenticated is None and jira.webhooks_registered == 0
        assert overview.packets_waiting == {"held": 1}
        assert 0.0 <= overview.budget_used["main"] <= 1.0


def test_console_module_does_not_reach_the_store_from_the_web_layer() -> None:
    """The web layer reaches the runtime through this facade: it exposes every method it needs."""
    names: Any = {n for n in dir(Console) if not n.startswith("_")}
    assert {"overview", "search", "timeline", "plan", "reconcile", "failures", "retry", "retry_cause",
            "packets", "recipes", "audit", "audit_csv", "audit_json", "record"} <= names  # fmt: skip
