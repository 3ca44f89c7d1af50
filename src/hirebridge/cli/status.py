"""`hirebridge status` and `hirebridge replay`: what is in sync, what is parked, and retrying it.

Only ids, recipe and effect names, counts and reasons are printed. A reason is redacted of contact
data, but may quote a value Jira refused (one the recipe allowed out of Lever to Jira).
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit
from hirebridge.settings import Settings

SUBJECT_KINDS = ("opportunity", "requisition")


def database_url() -> str:
    from hirebridge.store.database import resolve_database_url

    return resolve_database_url(Settings.from_env())


@app.command()
def status(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    limit: Annotated[
        int, typer.Option(help="Parked effects, and subjects with an error, to list at most.")
    ] = 50,
) -> None:
    """Per Lever connection: subjects in sync or behind, reconcile jobs, sweep, webhooks, OAuth grant,
    parked effects."""
    loaded = load_config_or_exit(config)
    oauth = {name for name, lever in loaded.lever.items() if lever.oauth is not None}
    report = asyncio.run(_status(list(loaded.lever), oauth, database_url(), limit))
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=_json_default))
        return
    _print_status(report)


async def _status(connections: list[str], oauth: set[str], url: str, limit: int) -> dict[str, Any]:
    from hirebridge.store import cursors, failures
    from hirebridge.store.database import open_pool
    from hirebridge.store.migrate import migrate

    async with open_pool(url, max_size=2) as pool:
        await migrate(pool)
        counts = await failures.status(pool)
        sweeps = await cursors.all_cursors(pool)
        parked = await failures.parked(pool, limit=limit)
        errored = await failures.errored(pool, limit=limit)
    report: dict[str, Any] = {"connections": {}}
    for name in sorted(set(connections) | set(counts)):
        found = counts.get(name, {})
        subjects = found.get("subjects", {})
        report["connections"][name] = {
            "subjects": {k: subjects.get(k, 0) for k in ("known", "in_sync", "behind", "errored")}
            | {"last_synced_at": subjects.get("last_synced_at")},
            "errored_subjects": [
                {"subject": e["subject"], "error": e["error"]} for e in errored if e["connection"] == name
            ],
            "jobs": {
                k: found.get("jobs", {}).get(k, 0)
                for k in ("queued", "running", "retrying", "failed", "sweep", "background")
            },
            "webhooks": found.get("webhooks", {"registered": 0, "last_received_at": None}),
            "auth": "oauth" if name in oauth else "api key",
            **({"oauth": _grant(found.get("oauth"))} if name in oauth else {}),
            "sweep": {
                c.stream: {
                    "position": c.position,
                    "last_finished_at": c.last_finished_at,
                    "next_run_at": c.next_run_at,
                    "last_error": c.last_error,
                    **c.last_summary,
                }
                for c in sweeps
                if c.connection == name
            },
            "parked": found.get("parked", 0),
            "parked_effects": [
                {
                    "effect": p.ref,
                    "subject": f"{p.subject_kind}:{p.subject_id}",
                    "recipe": p.recipe,
                    "key": p.key,
                    "kind": p.kind,
                    "target": p.target,
                    "reason": p.reason,
                    "attempts": p.attempts,
                    "last_try": p.last_try,
                }
                for p in parked
                if p.connection == name
            ],
        }
    return report


def _grant(stored: dict[str, Any] | None) -> dict[str, Any]:
    """An OAuth connection's grant: `connected`, `refused` (Lever refused the refresh token: connect
    again) or `not connected` (never connected, or disconnected)."""
    if stored is None:
        return {"state": "not connected"}
    return {"state": "refused" if stored["refused"] else "connected", **stored}


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else "never"


def _print_status(report: dict[str, Any]) -> None:
    console = Console()
    for name, c in report["connections"].items():
        s, j, w = c["subjects"], c["jobs"], c["webhooks"]
        console.print(f"[bold]Lever connection {name}[/bold]")
        console.print(
            f"  subjects: {s['known']} known, {s['in_sync']} in sync, {s['behind']} behind"
            + (f", {s['errored']} with an error" if s["errored"] else "")
            + f" (last reconcile {_when(s['last_synced_at'])})"
        )
        for e in c["errored_subjects"]:
            console.print(f"    {e['subject']}: [red]{escape(e['error'])}[/red]")
        console.print(
            f"  reconciles: {j['queued']} queued, {j['running']} running, {j['retrying']} retrying"
            + (f", {j['failed']} failed" if j["failed"] else "")
        )
        if j["background"]:
            console.print(_backfill_line(j["background"], c["sweep"].get("opportunities")))
        console.print(
            f"  webhooks: {w['registered']} registered, last received {_when(w['last_received_at'])}"
        )
        if "oauth" in c:
            console.print(_grant_line(name, c["oauth"]))
        if not c["sweep"]:
            console.print("  sweep: has not run yet (it runs in `serve` and `worker`, or `hirebridge sweep`)")
        for stream, sweep in sorted(c["sweep"].items()):
            line = f"  sweep {stream}: last {_when(sweep['last_finished_at'])}"
            line += f", next {_when(sweep['next_run_at'])}"
            if "listed" in sweep:
                line += f", listed {sweep['listed']}, queued {sweep['queued']}"
            if sweep["last_error"]:
                line += f" [red]error: {sweep['last_error'][:200]}[/red]"
            console.print(line)
        if not c["parked_effects"]:
            console.print("  parked effects: none")
            continue
        table = Table(title=f"{c['parked']} parked effect(s) on {name}", title_justify="left")
        for column in ("effect (replay --effect)", "kind", "reason", "attempts", "last try"):
            table.add_column(column, overflow="fold")
        for p in c["parked_effects"]:
            table.add_row(p["effect"], p["kind"], p["reason"], str(p["attempts"]), _when(p["last_try"]))
        console.print(table)


def _backfill_line(left: int, sweep: dict[str, Any] | None) -> str:
    """A backfill (first start, `sweep --full`) runs at background priority: how much is left."""
    line = f"  backfill: {left} reconcile(s) left"
    if sweep and sweep.get("backfill"):
        done = max(0, int(sweep["backfill"]["queued"]) - left)
        line += f" of {sweep['backfill']['queued']} ({sweep['backfill']['listed']} opportunities listed)"
        line += f", {done} done"
    return line + "; it spends only the Lever rate live work leaves"


def _grant_line(name: str, grant: dict[str, Any]) -> str:
    if grant["state"] == "not connected":
        return f"  oauth: [yellow]not connected[/yellow]: run `hirebridge connections connect {name}`"
    if grant["state"] == "refused":
        return f"  oauth: [red]refused[/red]: {grant['refused']}"  # the message says what to run
    line = f"  oauth: connected {_when(grant['connected_at'])}"
    line += f", access token until {_when(grant['expires_at'])}"
    if grant["refreshes"]:
        line += f", refreshed {grant['refreshes']} time(s), last {_when(grant['refreshed_at'])}"
    return line


@app.command()
def replay(
    config: ConfigOption = None,
    effect: Annotated[
        str | None, typer.Option("--effect", help="kind:<id>:recipe:key, as `status` lists it.")
    ] = None,
    subject: Annotated[
        str | None, typer.Option("--subject", help="kind:<id>: its every parked effect.")
    ] = None,
    all_failed: Annotated[bool, typer.Option("--all-failed", help="Every parked effect.")] = False,
    connection: Annotated[
        str | None, typer.Option("--connection", help="Lever connection (default: the only one).")
    ] = None,
) -> None:
    """Reset parked (failed) effects so that the next reconcile retries them, and queue it."""
    from hirebridge.store.failures import EffectFilter

    loaded = load_config_or_exit(config)
    if sum(x is not None and x is not False for x in (effect, subject, all_failed)) != 1:
        typer.echo("give exactly one of --effect, --subject, --all-failed", err=True)
        raise typer.Exit(2)
    names = [connection] if connection else list(loaded.lever)
    unknown = [n for n in names if n not in loaded.lever]
    if unknown:
        typer.echo(f"no Lever connection {unknown[0]!r} in the config", err=True)
        raise typer.Exit(2)
    fields: dict[str, str | None] = {}
    if effect is not None:
        parts = effect.split(":", 3)
        if len(parts) != 4 or parts[0] not in SUBJECT_KINDS or not all(parts):
            typer.echo("--effect takes KIND:ID:RECIPE:KEY (e.g. opportunity:<id>:onboarding:epic)", err=True)
            raise typer.Exit(2)
        fields = dict(zip(("kind", "id", "recipe", "key"), parts, strict=True))
    elif subject is not None:
        kind, _, subject_id = subject.partition(":")
        if kind not in SUBJECT_KINDS or not subject_id:
            typer.echo("--subject takes KIND:ID (e.g. opportunity:<id>)", err=True)
            raise typer.Exit(2)
        fields = {"kind": kind, "id": subject_id}
    filters = [EffectFilter(connection=name, **fields) for name in names]
    queued = asyncio.run(_replay(database_url(), filters))
    if not queued:
        typer.echo("nothing to replay: no parked effect matches")
        raise typer.Exit(1)
    for (name, kind, subject_id), effects in queued.items():
        typer.echo(f"queued a reconcile of {kind}:{subject_id} ({name}) retrying {', '.join(effects)}")


async def _replay(url: str, filters: list[Any]) -> dict[tuple[str, str, str], list[str]]:
    from hirebridge.runtime import queue
    from hirebridge.store import failures
    from hirebridge.store.database import open_pool
    from hirebridge.store.migrate import migrate

    queued: dict[tuple[str, str, str], list[str]] = {}
    async with open_pool(url, max_size=2) as pool:
        await migrate(pool)
        await queue.app.open_async(pool=pool)
        try:
            for which in filters:
                reset = await failures.replay(pool, which, defer=queue.defer_reconcile)
                for subject, effects in reset.items():
                    queued[(subject.connection, subject.kind, subject.id)] = effects
        finally:
            await queue.app.close_async()
    return queued
