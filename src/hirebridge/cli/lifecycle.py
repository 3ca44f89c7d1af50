"""`hirebridge forget` (erasure on request) and `hirebridge export` (access on request)."""

from __future__ import annotations

import asyncio
import getpass
import json
from typing import Annotated, Any

import typer
from rich.console import Console

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit

OpportunityOption = Annotated[str | None, typer.Option("--opportunity", help="A Lever opportunity id.")]
ConnectionOption = Annotated[str | None, typer.Option(help="Lever connection (default: the only one).")]


def _connection(config: Any, name: str | None) -> str:
    if name is None and len(config.lever) == 1:
        return str(next(iter(config.lever)))
    if name is None or name not in config.lever:
        typer.echo(f"name a Lever connection with --connection: {', '.join(sorted(config.lever))}", err=True)
        raise typer.Exit(2)
    return name


@app.command()
def forget(
    config: ConfigOption = None,
    opportunity: OpportunityOption = None,
    email: Annotated[str | None, typer.Option("--email", help="The person's email address.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who asked for it (default: you).")] = None,
    connection: ConnectionOption = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the erasure at most.")] = 600,
) -> None:
    """Erase a person hirebridge holds data on: every opportunity of theirs (the one named and the
    others of its Lever contact, or those found by email) is erased as if Lever had deleted it, and
    each recipe's `on_erasure` policy is applied to its Jira issues. The timeline keeps that it
    happened, by whom and when, and nothing personal."""
    from hirebridge.runtime.process import database_url

    if (opportunity is None) == (email is None):
        typer.echo("give --opportunity or --email", err=True)
        raise typer.Exit(2)
    loaded = load_config_or_exit(config)
    name = _connection(loaded, connection)
    who = by or getpass.getuser()
    raise typer.Exit(asyncio.run(_forget(loaded, database_url(), name, opportunity, email, who, timeout)))


async def _forget(
    config: Any, url: str, connection: str, opportunity: str | None, email: str | None, by: str, limit: float
) -> int:
    from hirebridge.cli.sweep import _wait
    from hirebridge.connectors.errors import PermanentError
    from hirebridge.runtime.forget import erased, request_erasures, subjects_of_person
    from hirebridge.runtime.process import opened_service

    console = Console()
    async with opened_service(config, url) as service:
        try:
            found = await subjects_of_person(service, connection, opportunity=opportunity, email=email)
        except (ValueError, PermanentError) as exc:
            typer.echo(f"could not find the person's opportunities in Lever: {exc}", err=True)
            return 2
        if not found:
            console.print("nothing found for that email in Lever or in hirebridge")
            return 0
        jobs = await request_erasures(service, found, by)
        status = await _wait(console, service, jobs, limit)
        for subject, done in (await erased(service, found)).items():
            console.print(f"{subject.kind} {subject.id}: {'erased' if done else 'not erased yet'}")
        return status


@app.command()
def export(
    config: ConfigOption = None,
    opportunity: OpportunityOption = None,
    connection: ConnectionOption = None,
) -> None:
    """Print, as JSON, everything hirebridge holds on a candidate (an access request) and every
    external object it created for them (Jira issues and requests, Lever notes, Justworks packets)."""
    from hirebridge.runtime.process import database_url

    if opportunity is None:
        typer.echo("give --opportunity", err=True)
        raise typer.Exit(2)
    loaded = load_config_or_exit(config)
    name = _connection(loaded, connection)
    typer.echo(json.dumps(asyncio.run(_export(database_url(), name, opportunity)), indent=2, default=str))


async def _export(url: str, connection: str, opportunity: str) -> dict[str, Any]:
    from hirebridge.domain.subjects import Subject
    from hirebridge.runtime.forget import export
    from hirebridge.runtime.process import opened_store

    async with opened_store(url) as pool:
        return await export(pool, Subject(connection, "opportunity", opportunity))
