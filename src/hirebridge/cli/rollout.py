"""`hirebridge apply`: let the service roll the deployed recipes out (under `rollout: manual`), and
watch the rollout with a progress bar. The reconciles run in `serve` and `worker`."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit
from hirebridge.runtime.process import database_url

if TYPE_CHECKING:
    from hirebridge.config.models import Config


@app.command("apply")
def apply_command(
    config: ConfigOption = None,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Show progress until every subject is done.")
    ] = True,
    timeout: Annotated[float, typer.Option(help="Stop watching after this many seconds.")] = 3600,
) -> None:
    """Approve the rollout of the recipes in the config (as `hirebridge plan --all` showed them) to
    every subject reconciled under other recipes, then show its progress. Exits 1 if it did not finish."""
    loaded = load_config_or_exit(config)
    done = asyncio.run(_apply(loaded, database_url(), wait=wait, patience=timeout))
    raise typer.Exit(0 if done or not wait else 1)


async def _apply(config: Config, url: str, *, wait: bool, patience: float) -> bool:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hirebridge.runtime.job_wait import live_workers
    from hirebridge.runtime.process import opened_queue, opened_store
    from hirebridge.runtime.rollout import Rollout

    runner = Rollout(config)
    async with opened_store(url) as pool:
        async with opened_queue(pool):
            queued = await runner.approve(pool)
        rows = await runner.progress(pool)
        total = sum(r.known for r in rows)
        typer.echo(
            f"rollout approved: {sum(r.pending for r in rows)} of {total} subject(s) to reconcile "
            f"under the deployed recipes ({queued} queued now; `serve` or `worker` runs them)"
        )
        if not wait:
            return True
        if not await live_workers(pool):
            typer.echo("no worker is running: start `hirebridge serve` or `hirebridge worker`", err=True)
        deadline = time.monotonic() + patience
        columns = (TextColumn("rollout"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task("rollout", total=total)
            while True:
                rows = await runner.progress(pool)
                bar.update(task, total=sum(r.known for r in rows), completed=sum(r.current for r in rows))
                if all(r.pending == r.failing for r in rows) or time.monotonic() > deadline:
                    break
                await asyncio.sleep(1)
    failing = sum(r.failing for r in rows)
    if failing:
        typer.echo(f"{failing} subject(s) failed to reconcile: see `hirebridge status`", err=True)
    return all(r.pending == 0 for r in rows)


def rollout_line(r: dict[str, Any]) -> str:
    line = f"  recipes: {r['current']} of {r['known']} subjects reconciled under the deployed recipes"
    if r["pending"]:
        line += f", {r['pending']} to roll out"
        if r["waiting_for_apply"]:
            line += " [yellow](rollout: manual — waiting for `hirebridge apply`)[/yellow]"
    if r["orphans"]:
        n = sum(o["effects"] for o in r["orphans"])
        which = ", ".join(f"{o['recipe']}/{o['action']}" for o in r["orphans"])
        text = f"removed actions: {n} effect(s) of {which} (orphans: {r['orphan_policy']})"
        line += f"\n  [yellow]{text}[/yellow]" if r["orphan_policy"] == "review" else f"\n  {text}"
    return line
