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
from hirebridge.domain.health import Thresholds
from hirebridge.runtime.justworks_status import justworks_report
from hirebridge.runtime.process import database_url
from hirebridge.runtime.status import status_report

SUBJECT_KINDS = ("opportunity", "requisition")


@app.command()
def status(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    limit: Annotated[
        int, typer.Option(help="Parked effects, and subjects with an error, to list at most.")
    ] = 50,
    behind_seconds: Annotated[
        float, typer.Option(help="Unhealthy (exit 3) once a change has waited this long to be synced.")
    ] = Thresholds.behind_seconds,
    max_parked: Annotated[
        int, typer.Option(help="Unhealthy (exit 4) with more parked effects than this on a connection.")
    ] = Thresholds.max_parked,
) -> None:
    """Per Lever connection: subjects in sync or behind, reconcile jobs, sweep, webhooks, OAuth grant,
    parked effects, packets waiting for an admin. Per Justworks connection: OAuth grant, hires awaited
    there, overdue invites.

    Exits 0 when healthy, 3 when a change has waited longer than --behind-seconds, 4 with more parked
    effects than --max-parked, 5 when Lever refused an OAuth grant (the highest that holds).
    """
    loaded = load_config_or_exit(config)
    oauth = {name for name, lever in loaded.lever.items() if lever.oauth is not None}
    limits = Thresholds(behind_seconds=behind_seconds, max_parked=max_parked)
    url = database_url()
    report = asyncio.run(status_report(list(loaded.lever), oauth, url, limit, limits, loaded))
    overdue = {name: j.invite_overdue_hours for name, j in loaded.justworks.items()}
    report["justworks"] = asyncio.run(justworks_report(overdue, url, limit))
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=_json_default))
    else:
        _print_status(report)
        _print_justworks(report["justworks"])
    raise typer.Exit(report["health"]["exit_code"])


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else "never"


def _print_status(report: dict[str, Any]) -> None:
    from hirebridge.cli.rollout import rollout_line
    from hirebridge.runtime.connection_check import LEVER_SETTINGS

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
        if "rollout" in c:
            console.print(rollout_line(c["rollout"]))
        if w["not_delivered"]:
            console.print(
                f"    [yellow]nothing delivered yet for {', '.join(w['not_delivered'])}[/yellow]: a Lever "
                f"Super Admin must turn these events on in {LEVER_SETTINGS} (webhooks made through the "
                "API send nothing until then); an event that has not happened yet is listed too"
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
    waiting = report["packets_waiting"]
    if any(w["count"] for w in waiting.values()):
        console.print(
            f"Justworks packets: {waiting['awaiting_review']['count']} awaiting review, "
            f"{waiting['held']['count']} held for a correction"
        )
    found = report["health"]["problems"]
    if not found:
        console.print("health: ok")
    for p in found:
        console.print(f"[red]unhealthy[/red] ({p['connection']}): {escape(p['message'])}")


def _print_justworks(report: dict[str, Any]) -> None:
    console = Console()
    for name, j in report.items():
        console.print(f"[bold]Justworks connection {name}[/bold]")
        console.print(_grant_line(f"justworks:{name}", j["oauth"]))
        a = j["awaited"]
        line = (
            f"  hires awaited in Justworks: {a['awaiting_review']} awaiting review, {a['reviewed']} "
            f"reviewed, {a['held']} held"
        )
        if j["overdue"]:
            line += f", [red]{j['overdue']} invite(s) overdue[/red]"
        if j["flagged"]:
            line += f", [yellow]{j['flagged']} member(s) to confirm[/yellow]"
        console.print(line)
        poll = j["members_poll"]
        console.print(
            f"  members read: last {_when(poll['last_finished_at'])}"
            + (f" [red]error: {escape(poll['last_error'][:200])}[/red]" if poll["last_error"] else "")
        )
        for i in j["invites"]:
            what = "[red]overdue[/red]" if i["overdue"] else "flagged"
            console.print(
                f"    {i['subject']} ({i['packet']}, {i['status']}, {i['waited_hours']} h): {what}"
                + (f": {escape(i['flag'])}" if i["flag"] else "")
            )


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
    from hirebridge.runtime.replay import replay as replay_parked

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
    queued = asyncio.run(replay_parked(database_url(), names, fields))
    if not queued:
        typer.echo("nothing to replay: no parked effect matches")
        raise typer.Exit(1)
    for (name, kind, subject_id), effects in queued.items():
        typer.echo(f"queued a reconcile of {kind}:{subject_id} ({name}) retrying {', '.join(effects)}")
