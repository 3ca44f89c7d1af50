"""The console's search and timeline pages with 100,000 subjects: p50/p99 of each read, in ms.

Seeds one database with 100,000 opportunities, each with three effects (one in a hundred parked),
four timeline rows, three webhooks and its name in the keyed index (two tokens from a list of 400
first and 1,000 last names, so a last name matches about 100 subjects), then times the facade's
reads as the web layer calls them: search by a last name, by a full name, by the first 8 characters
of an id and by a whole id, a subject's timeline, and the first page of parked effects; then the
search and timeline pages themselves, as a signed-in operator GETs them from the service's
application in this process (session check, the names' Lever reads and rendering included, no
network). For the facade's reads the subjects' connection is one the configuration does not name, so
nothing is read from Lever; the pages name it, and read each name shown (at most 10 a page, in
parallel) from an in-process Lever simulator at Lever's limit, one page after another once the
budget of the one before is paid back.

`python -m bench.console` (about a minute; `--subjects 10000` for a quick look; `--database-url`
to use a running server instead of an embedded one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx2
import psycopg
from psycopg import sql

from bench.stats import latency_summary
from hirebridge.domain.name_index import NameIndex
from hirebridge.domain.subjects import Subject
from hirebridge.runtime.configuration import load_config
from hirebridge.runtime.console import NAMES_SHOWN, Console
from hirebridge.runtime.service import Service
from hirebridge.sims.lever import create_app as lever_sim
from hirebridge.store import console_accounts
from hirebridge.store.database import embedded_server_uri, ensure_database, open_pool, with_database
from hirebridge.store.migrate import migrate
from hirebridge.web.app import create_app

RESULTS = Path(__file__).parent / "results" / "console.json"
CONNECTION = "bench"
SECRET = "bench-secret"
PASSWORD = "a bench password of some length"
ORIGIN = "http://testserver"
LEVER_RPS = 10  # Lever's limit per key, the simulator's default
CONFIG = """
version: 1
lever:
  main: {base_url: "http://127.0.0.1:9", api_key: unused}
recipes:
  - name: welcome
    when: {stage_reached: Onsite}
    actions:
      - id: note
        lever_note: {text: "Onsite planned"}
"""
PAGES_CONFIG = """
version: 1
service: {public_url: "http://testserver"}
lever:
  bench: {base_url: "http://lever", api_key: sim-lever-key, register_webhooks: false}
console: {password_memory_kib: 19456, password_time_cost: 2, password_parallelism: 1}
recipes:
  - name: welcome
    lever: bench
    when: {stage_reached: Onsite}
    actions:
      - id: note
        lever_note: {text: "Onsite planned"}
"""
FIRST = [f"first{i}" for i in range(400)]
LAST = [f"last{i}" for i in range(1000)]
SEED = """
INSERT INTO subjects (connection, kind, id, desired_version, synced_version, last_synced_at, seen_stage)
SELECT %(c)s, 'opportunity', id, 3, 3, now() - (n || ' seconds')::interval, 'onsite'
FROM unnest(%(ids)s::text[]) WITH ORDINALITY AS t(id, n);
INSERT INTO effects (connection, subject_kind, subject_id, recipe, key, kind, target, marker, state,
                     external_key, last_error, intent_at, done_at)
SELECT %(c)s, 'opportunity', id, 'welcome', k, 'jira_issue', 'jira:main', 'hb-' || md5(id || k),
       CASE WHEN n %% 100 = 0 AND k = 'it' THEN 'failed' ELSE 'done' END, 'ONB-' || (n * 3),
       CASE WHEN n %% 100 = 0 AND k = 'it' THEN 'jira answered 400: Field ''labels'' is invalid' END,
       now(), now()
FROM unnest(%(ids)s::text[]) WITH ORDINALITY AS t(id, n), unnest(ARRAY['epic', 'it', 'laptop']) AS k;
INSERT INTO audit (connection, subject_kind, subject_id, action, detail, at)
SELECT %(c)s, 'opportunity', id, 'reconciled',
       jsonb_build_object('stage', 'onsite', 'actions', 1,
                          'unmet', jsonb_build_object('welcome', '[]'::jsonb)),
       now() - (r || ' hours')::interval
FROM unnest(%(ids)s::text[]) AS t(id), generate_series(1, 4) AS r;
INSERT INTO inbox (source, connection, dedupe_key, event, subject_kind, subject_id, payload)
SELECT 'lever', %(c)s, id || ':' || r, 'candidateStageChange', 'opportunity', id,
       jsonb_build_object('data', jsonb_build_object('toStageId', 'onsite'))
FROM unnest(%(ids)s::text[]) AS t(id), generate_series(1, 3) AS r;
"""


async def seed(pool: Any, names: NameIndex, count: int, rng: random.Random) -> list[tuple[str, str]]:
    people: list[tuple[str, str]] = []
    for start in range(0, count, 10_000):
        ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(min(10_000, count - start))]
        chosen = [(rng.choice(FIRST), rng.choice(LAST)) for _ in ids]
        rows = [(i, names.digest(t)) for i, pair in zip(ids, chosen, strict=True) for t in pair]
        async with pool.connection() as conn, conn.transaction():
            for statement in SEED.strip().split(";\n"):
                await conn.execute(statement, {"c": CONNECTION, "ids": ids})
            await conn.execute(
                "INSERT INTO subject_names (connection, kind, id, token)"
                " SELECT %(c)s, 'opportunity', i, t FROM unnest(%(i)s::text[], %(t)s::bytea[]) AS u(i, t)",
                {"c": CONNECTION, "i": [r[0] for r in rows], "t": [r[1] for r in rows]},
            )
        people += list(zip(ids, (f"{a} {b}" for a, b in chosen), strict=True))
    async with pool.connection() as conn:
        await conn.execute("ANALYZE")
    return people


async def timed(
    runs: int, call: Callable[[int], Awaitable[Any]], *, between: float = 0.0
) -> dict[str, float]:
    """`between`: seconds waited (untimed) before each call, as an operator paces pages."""
    for i in range(5):  # warm the pool and the plans
        await call(i)
    seconds = []
    for i in range(runs):
        await asyncio.sleep(between)
        began = time.perf_counter()
        await call(i)
        seconds.append(time.perf_counter() - began)
    return latency_summary(seconds)


async def measure(url: str, count: int, runs: int, work: Path) -> dict[str, Any]:
    rng = random.Random(18)
    names = NameIndex.from_secrets([SECRET])
    assert names is not None
    config_path = work / "config.yaml"
    config_path.write_text(CONFIG)
    async with open_pool(url, max_size=4) as pool:
        await migrate(pool)
        began = time.monotonic()
        people = await seed(pool, names, count, rng)
        seeded = round(time.monotonic() - began, 1)
        service = Service.build(load_config(config_path, {}), pool)
        console = Console(service, names=names)
        picks = [people[rng.randrange(len(people))] for _ in range(runs + 5)]
        found: dict[str, Any] = {"subjects": count, "seed_seconds": seeded, "runs": runs}
        matches = len((await console.search(picks[0][1].split()[1], per_page=100)).items)
        found["last_name_matches_first_page"] = matches
        found["search_last_name"] = await timed(runs, lambda i: console.search(picks[i][1].split()[1]))
        found["search_full_name"] = await timed(runs, lambda i: console.search(picks[i][1]))
        found["search_id_prefix"] = await timed(runs, lambda i: console.search(picks[i][0][:8]))
        found["search_id"] = await timed(runs, lambda i: console.search(picks[i][0]))
        found["timeline"] = await timed(
            runs, lambda i: console.timeline(Subject(CONNECTION, "opportunity", picks[i][0]), viewer=False)
        )
        found["failures_page"] = await timed(max(10, runs // 10), lambda i: console.failures())
        await service.aclose()
    found["pages"] = await served_pages(url, work, picks, runs)
    return found


async def served_pages(url: str, work: Path, picks: list[tuple[str, str]], runs: int) -> dict[str, Any]:
    """The same reads as whole pages: the service's application in this process (no network), a
    signed-in operator's GET of the search and timeline pages, session check and rendering included,
    and the names each page reads from Lever: the Lever simulator in this process at Lever's limit
    (hirebridge's budget at its default, the same), which knows none of the seeded candidates (each
    read is a 404 and the page shows the id)."""
    os.environ["HIREBRIDGE_SECRET_KEY"] = SECRET  # the index was written under the same key
    config_path = work / "pages.yaml"
    config_path.write_text(PAGES_CONFIG)
    lever_transport = httpx2.ASGITransport(app=lever_sim())
    app: Any = create_app(
        load_config(config_path),
        database_url=url,
        run_workers=False,
        transports={"lever:bench": lever_transport},
    )
    inner = app.app
    async with (
        inner.router.lifespan_context(inner),
        httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=ORIGIN) as client,
    ):
        hashed = inner.state.console_web.passwords.hash(PASSWORD)
        await console_accounts.add(inner.state.pool, "bench@example.com", "operator", hashed)
        form = await client.get("/console/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None
        signed = await client.post(
            "/console/sign-in",
            data={
                "csrf": csrf.group(1),
                "email": "bench@example.com",
                "password": PASSWORD,
                "next": "/console",
            },
            headers={"Origin": ORIGIN},
        )
        assert signed.status_code == 303, signed.text

        async def page(path: str, params: dict[str, str] | None = None) -> None:
            answer = await client.get(path, params=params)
            assert answer.status_code == 200, (path, answer.status_code)

        def search(i: int, text: str) -> Awaitable[None]:
            return page("/console/subjects", {"q": text})

        # Each name shown is a Lever read from the key's budget (10/s, bursts of 20): a page is asked
        # for once the reads of the one before are paid back, as one operator browsing does.
        runs = max(10, runs // 2)
        return {
            "search_last_name": await timed(
                runs, lambda i: search(i, picks[i][1].split()[1]), between=NAMES_SHOWN / LEVER_RPS
            ),
            "search_id_prefix": await timed(
                runs, lambda i: search(i, picks[i][0][:8]), between=1 / LEVER_RPS
            ),
            "timeline": await timed(
                runs,
                lambda i: page(f"/console/subjects/{CONNECTION}/opportunity/{picks[i][0]}"),
                between=1 / LEVER_RPS,
            ),
        }


def run(admin_uri: str, subjects: int, runs: int = 200) -> dict[str, Any]:
    """In a database of its own, dropped afterwards."""
    work = Path(tempfile.mkdtemp(prefix="hirebridge-bench-console-"))
    name = f"bench_console_{uuid.uuid4().hex[:8]}"
    ensure_database(admin_uri, name)
    try:
        return asyncio.run(measure(with_database(admin_uri, name), subjects, runs, work))
    finally:
        with psycopg.connect(admin_uri, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", help="An admin URL of a PostgreSQL server (default: embedded).")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    # The embedded server stops when this process exits.
    admin = args.database_url or embedded_server_uri(Path(tempfile.mkdtemp(prefix="hirebridge-bench-pg-")))
    results = run(admin, args.subjects, args.runs)
    print(json.dumps(results, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
