"""`hirebridge sweep`: one sweep pass now, then (unless --no-wait) the reconciles it queued."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit
from hirebridge.logging_setup import configure_logging


@app.command()
def sweep(
    config: ConfigOption = None,
    since: Annotated[
        datetime | None, typer.Option("--since", help="List opportunities updated since (ISO date/time).")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="List every opportunity (a backfill).")] = False,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the queued reconciles.")] = True,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the reconciles at most.")] = 600,
    connection: Annotated[str | None, typer.Option(help="Lever connection (default: all).")] = None,
) -> None:
    """List what changed in Lever and reconcile it now, without waiting for the periodic sweep."""
    from hirebridge.runtime.process import database_url
    from hirebridge.runtime.sweep import Window

    configure_logging()
    loaded = load_config_or_exit(config)
    if since is not None and full:
        typer.echo("give --since or --full, not both", err=True)
        raise typer.Exit(2)
    names = [connection] if connection else list(loaded.lever)
    if any(n not in loaded.lever for n in names):
        typer.echo(f"no Lever connection {connection!r} in the config", err=True)
        raise typer.Exit(2)
    window = Window(since_ms=int(since.timestamp() * 1000) if since else None, full=full)
    raise typer.Exit(
        asyncio.run(_sweep(loaded, database_url(), names, window, wait=wait, limit_seconds=timeout))
    )


async def _sweep(
    config: Any, url: str, names: list[str], window: Any, *, wait: bool, limit_seconds: float
) -> int:
    from hirebridge.runtime.process import opened_service
    from hirebridge.runtime.sweep import sweep_now

    console = Console()
    async with opened_service(config, url) as service:
        results = []
        with _bar(console) as bar:
            tasks: dict[str, Any] = {}

            def progress(stream: str, listed: int, queued: int) -> None:
                if stream not in tasks:
                    tasks[stream] = bar.add_task(stream, total=None)
                bar.update(tasks[stream], completed=listed, description=f"{stream}: {queued} queued")

            for name in names:
                results += await sweep_now(service, name, window, progress)
        for r in results:
            note = f" ({r.skipped})" if r.skipped else ""
            console.print(f"{r.connection} {r.stream}: listed {r.listed}, queued {r.queued}{note}")
        job_ids = [job for r in results for job in r.job_ids]
        if not wait or not job_ids:
            return 0
        return await _wait(console, service, job_ids, limit_seconds)


def _bar(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} listed"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


async def _wait(console: Console, service: Any, job_ids: list[int], limit_seconds: float) -> int:
    """Until every queued reconcile finished; with no live worker, this process runs them."""
    from hirebridge.runtime.job_wait import wait_for_jobs
    from hirebridge.runtime.replay import parked_count

    with _bar(console) as bar:
        task = bar.add_task("reconciles", total=len(job_ids))

        def progress(done: int) -> None:
            bar.update(task, completed=done, description=f"reconciles: {done}/{len(job_ids)}")

        def running_here() -> None:
            console.print("no worker is running: running the reconciles here")

        states = await wait_for_jobs(
            service, job_ids, limit_seconds, progress=progress, running_here=running_here
        )
    counts = {s: sum(v == s for v in states.values()) for s in set(states.values())}
    console.print(
        f"reconciles: {counts.get('succeeded', 0)} done, {counts.get('failed', 0)} failed, "
        f"{counts.get('todo', 0) + counts.get('doing', 0)} still queued or retrying"
    )
    parked = await parked_count(service)
    if parked:
        console.print(
            f"{parked} effect(s) are parked: see `hirebridge status`, retry with `hirebridge replay`"
        )
    unfinished = counts.get("todo", 0) + counts.get("doing", 0)
    return 1 if counts.get("failed", 0) or unfinished else 0
