"""A change of the recipes is a change of desired state: it reaches candidates nothing changed for in
Lever (hired ones too), behind `hirebridge apply` when the rollout is manual; a declared rename makes
nothing twice, an undeclared one is caught by `check`; a removed action's issues follow the orphan
policy; fields the recipe does not own keep what people wrote in Jira.

Each test restarts the service with a new config at the same address, as an operator deploying it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx2
import psycopg
from e2e_support import JIRA_AUTH, Simulators, start_service, wait_for
from lever_actions import Recruiter, adf_text, comments, jira_search, settle, status_of
from test_check_plan import hirebridge, sim_env

from hirebridge.demo.processes import free_port
from hirebridge.runtime.configuration import load_config
from hirebridge.runtime.rollout import fingerprints

BASE = """\
version: 1
service: {public_url: "${HIREBRIDGE_PUBLIC_URL}"}
lever:
  main: {base_url: "${LEVER_BASE_URL}", api_key: "${LEVER_API_KEY}", perform_as: rita@example.com}
jira:
  main: {base_url: "${JIRA_BASE_URL}", email: admin@example.com, api_token: "${JIRA_API_TOKEN}",
         search_consistency_seconds: 2}
"""
EPIC = """\
      - id: epic
        jira_issue: {project: ONB, type: Epic, summary: "Onboarding: {{ candidate.name }}"}
"""


def recipe(*actions: str) -> str:
    return (
        "recipes:\n  - name: onboarding\n    when: {stage_reached: Offer}\n"
        "    allow: [candidate.name]\n    actions:\n" + EPIC + "".join(actions)
    )


def task(action: str, summary: str, extra: str = "") -> str:
    return (
        f"      - id: {action}\n        jira_issue:\n          project: ONB\n          type: Task\n"
        f'          parent: epic\n          summary: "{summary} {{{{ candidate.name }}}}"\n{extra}'
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(BASE + text, encoding="utf-8")
    return path


class Deployment:
    """The service, restarted at one address with each new config."""

    def __init__(self, sims: Simulators, database_url: str, log_dir: Path) -> None:
        self.sims, self.database_url, self.log_dir = sims, database_url, log_dir
        self.port = free_port()
        self.env = {**sim_env(sims, database_url), "HIREBRIDGE_PUBLIC_URL": f"http://127.0.0.1:{self.port}"}
        self.running: Any = None

    def deploy(self, config: Path, *args: str) -> None:
        self.stop()
        self.config = config
        self.started = time.time()
        self.running = start_service(
            self.sims, self.database_url, self.log_dir, config=config, port=self.port, args=args
        )

    def stop(self) -> None:
        if self.running is not None:
            self.running.process.stop()
            self.running = None

    def cli(self, *args: str) -> Any:
        return hirebridge(*args, "--config", str(self.config), env=self.env)

    def pending(self) -> int:
        """Subjects not yet reconciled under the deployed recipes."""
        current = fingerprints(load_config(self.config, self.env))
        with psycopg.connect(self.database_url) as conn:
            rows = conn.execute(
                "SELECT connection, kind, recipes_fingerprint FROM subjects WHERE last_synced_at IS NOT NULL"
            ).fetchall()
        return sum(1 for c, k, f in rows if current.get((c, k)) != f)

    def jobs(self, *, priority: int | None = None) -> int:
        """Reconciles queued or running (of one priority)."""
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = 'reconcile'"
                " AND status IN ('todo', 'doing') AND (%(p)s::int IS NULL OR priority = %(p)s)",
                {"p": priority},
            ).fetchone()
        return int(row[0]) if row else 0

    def rollout_ticked(self) -> bool:
        """A rollout tick was queued since the deploy and has finished (a successful job is deleted,
        and its periodic record unlinked)."""
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM procrastinate_periodic_defers d WHERE d.task_name = 'roll_out'"
                " AND d.defer_timestamp >= %s AND (d.job_id IS NULL OR EXISTS"
                " (SELECT 1 FROM procrastinate_jobs j WHERE j.id = d.job_id AND j.status = 'succeeded'))",
                (int(self.started),),
            ).fetchone()
        return bool(row and row[0])


def issues(sims: Simulators, summary: str) -> list[dict[str, Any]]:
    return [i for i in jira_search(sims, "project = ONB ORDER BY key") if i["fields"]["summary"] == summary]


def edit_description(sims: Simulators, key: str, text: str) -> None:
    body = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }
    httpx2.put(
        f"{sims.jira_url}/rest/api/3/issue/{key}",
        auth=JIRA_AUTH,
        json={"fields": {"description": body}},
        timeout=10,
    ).raise_for_status()


def test_a_new_action_rolls_out_to_existing_and_hired_candidates_after_apply(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    lever = Recruiter(sims)
    service = Deployment(sims, database_url, log_dir)
    it_v1 = task("it", "Accounts for", '          description: "Set up accounts."\n')
    service.deploy(write(tmp_path, "v1", recipe(it_v1, task("paperwork", "Contract for"))))
    try:
        ada = lever.create("Ada Byrne")
        lever.move(ada, "Phone Screen", "Onsite", "Offer")
        hired = lever.create("Hugo Lind")
        lever.move(hired, "Phone Screen", "Onsite", "Offer")
        settle(database_url, sims)
        lever.archive(hired, "Hired")
        settle(database_url, sims)
        accounts = issues(sims, "Accounts for Ada Byrne")
        assert len(accounts) == 1
        edit_description(sims, accounts[0]["key"], "Edited by IT: use the new SSO group.")

        # Version 2, manual: a new action; a new summary (owned) and description (not owned) for `it`;
        # `paperwork` removed under `orphans: keep`.
        it_v2 = task(
            "it",
            "Accounts and access for",
            '          description: "New text."\n          owned: [summary]\n',
        )
        laptop = task("laptop", "Laptop for")
        v2 = write(tmp_path, "v2", "rollout: {mode: manual, orphans: keep}\n" + recipe(it_v2, laptop))
        service.deploy(v2)
        planned = service.cli("plan", "--all")
        assert planned.returncode == 0, planned.stderr
        assert "onboarding/laptop: 2 creates" in planned.stdout, planned.stdout
        assert "onboarding/it: 2 updates" in planned.stdout, planned.stdout
        assert "hirebridge apply" in planned.stdout
        assert "?? onboarding/paperwork" in planned.stdout

        # The gate: a rollout tick ran and queued nothing; a live change still goes through at once.
        wait_for(service.rollout_ticked, timeout=20, what="a rollout tick")
        cleo = lever.create("Cleo Park")
        lever.move(cleo, "Phone Screen", "Onsite", "Offer")
        settle(database_url, sims)
        assert len(issues(sims, "Laptop for Cleo Park")) == 1
        assert issues(sims, "Laptop for Ada Byrne") == [] and issues(sims, "Laptop for Hugo Lind") == []
        assert service.pending() == 2
        shown = service.cli("status")
        assert "2 to roll out" in shown.stdout and "waiting for `hirebridge apply`" in shown.stdout, (
            shown.stdout
        )

        applied = service.cli("apply", "--timeout", "60")
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert re.search(r"rollout approved: 2 of \d+ subject", applied.stdout), applied.stdout
        assert service.pending() == 0
        for name in ("Ada Byrne", "Hugo Lind", "Cleo Park"):
            assert len(issues(sims, f"Laptop for {name}")) == 1, name
            assert len(issues(sims, f"Accounts and access for {name}")) == 1, name
        for name in ("Ada Byrne", "Hugo Lind"):
            assert len(jira_search(sims, f'project = ONB AND summary ~ "{name}"')) == 4, name
        kept = issues(sims, "Accounts and access for Ada Byrne")[0]
        assert kept["key"] == accounts[0]["key"]
        assert adf_text(kept["fields"]["description"]).strip() == "Edited by IT: use the new SSO group."
        hugo = issues(sims, "Accounts and access for Hugo Lind")[0]
        assert adf_text(hugo["fields"]["description"]).strip() == "Set up accounts."
        assert [status_of(i) for i in issues(sims, "Contract for Ada Byrne")] == ["To Do"]  # kept
        kept_listed = service.cli("check")
        assert "'onboarding/paperwork', which no recipe has any more: kept" in kept_listed.stdout
    finally:
        service.stop()


def test_renames_and_removed_actions(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    lever = Recruiter(sims)
    service = Deployment(sims, database_url, log_dir)
    paperwork = task("paperwork", "Contract for")
    service.deploy(write(tmp_path, "v1", recipe(task("it", "Accounts for"), paperwork)))
    try:
        ada = lever.create("Ada Byrne")
        lever.move(ada, "Phone Screen", "Onsite", "Offer")
        settle(database_url, sims)
        (accounts,) = issues(sims, "Accounts for Ada Byrne")
        (contract,) = issues(sims, "Contract for Ada Byrne")

        # Renamed without a `moved` block: check says what to write.
        renamed = recipe(task("it-accounts", "Accounts for"), paperwork)
        checked = hirebridge("check", "--config", str(write(tmp_path, "renamed", renamed)), env=service.env)
        assert "warning" in checked.stdout, checked.stdout
        assert "moved: [{from: onboarding/it, to: onboarding/it-accounts}]" in checked.stdout, checked.stdout

        # Declared, with `paperwork` removed: under `orphans: review`, check and status list it.
        moved = "moved:\n  - {from: onboarding/it, to: onboarding/it-accounts}\n"
        body = moved + recipe(task("it-accounts", "Accounts for"))
        review = write(tmp_path, "review", "rollout: {orphans: review}\n" + body)
        flagged = hirebridge("check", "--config", str(review), env=service.env)
        assert "warning" in flagged.stdout and "orphans: review" in flagged.stdout, flagged.stdout
        listed = hirebridge("status", "--config", str(review), env=service.env)
        assert "removed actions: 1 effect(s) of onboarding/paperwork (orphans: review)" in listed.stdout

        # Deployed under `orphans: close`: nothing made twice; the removed action's issue is closed
        # once, with an audit comment.
        service.deploy(write(tmp_path, "close", "rollout: {orphans: close}\n" + body))
        wait_for(lambda: service.pending() == 0, timeout=30, what="the rollout")
        settle(database_url, sims)
        assert [i["key"] for i in issues(sims, "Accounts for Ada Byrne")] == [accounts["key"]]
        (closed,) = issues(sims, "Contract for Ada Byrne")
        assert closed["key"] == contract["key"] and status_of(closed) == "Cancelled"
        trail = comments(sims, contract["key"])
        assert len(trail) == 1 and "'onboarding/paperwork'" in trail[0] and "removed" in trail[0], trail
        assert status_of(issues(sims, "Accounts for Ada Byrne")[0]) == "To Do"
        with psycopg.connect(database_url) as conn:
            keys = conn.execute("SELECT recipe, key FROM effects WHERE subject_id = %s ORDER BY key", (ada,))
            assert keys.fetchall() == [
                ("onboarding", "epic"),
                ("onboarding", "it-accounts"),
                ("onboarding", "paperwork"),
            ]
    finally:
        service.stop()


def test_a_live_webhook_overtakes_the_rollout(
    sims: Simulators, database_url: str, log_dir: Path, tmp_path: Path
) -> None:
    """Rollout reconciles queued first, then a webhook; one worker starts: the webhook's reconcile runs
    before every one of them (procrastinate fetches the higher priority first, also past a queued job
    of the same subject)."""
    lever = Recruiter(sims)
    service = Deployment(sims, database_url, log_dir)
    service.deploy(write(tmp_path, "v1", recipe()))
    try:
        for name in ("Ada Byrne", "Hugo Lind", "Cleo Park"):
            lever.move(lever.create(name), "Phone Screen", "Onsite", "Offer")
        eve = lever.create("Eve Stone")
        lever.move(eve, "Phone Screen", "Onsite")
        settle(database_url, sims)

        one_worker = BASE.replace('"${HIREBRIDGE_PUBLIC_URL}"}', '"${HIREBRIDGE_PUBLIC_URL}", workers: 1}')
        v2 = tmp_path / "v2.yaml"
        v2.write_text(one_worker + "rollout: {concurrency: 4}\n" + recipe(task("laptop", "Laptop for")))
        service.deploy(v2, "--no-workers")
        queued = service.cli("apply", "--no-wait")
        assert "4 queued now" in queued.stdout, queued.stdout
        lever.move(eve, "Offer")
        wait_for(lambda: service.jobs(priority=0) == 1, what="the webhook's reconcile queued")
        with psycopg.connect(database_url) as conn:
            before = conn.execute("SELECT max(id) FROM audit").fetchone()[0]  # type: ignore[index]

        service.deploy(v2)
        wait_for(lambda: service.pending() == 0 and service.jobs() == 0, timeout=30, what="the rollout")
        with psycopg.connect(database_url) as conn:
            order = conn.execute(
                "SELECT subject_id FROM audit WHERE id > %s AND action = 'reconciled' ORDER BY id", (before,)
            ).fetchall()
        assert order[0] == (eve,) and len(order) == 4, order
        for name in ("Ada Byrne", "Hugo Lind", "Cleo Park", "Eve Stone"):
            assert len(issues(sims, f"Laptop for {name}")) == 1, name
    finally:
        service.stop()
