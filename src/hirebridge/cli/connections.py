"""`hirebridge connections connect|verify|disconnect`: set up, check and remove a connection."""

from __future__ import annotations

import asyncio
import json
import os
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit

if TYPE_CHECKING:
    from hirebridge.config.models import Config
    from hirebridge.runtime.service import Service

connections = typer.Typer(no_args_is_help=True, help="Connect, verify and disconnect Lever, Jira, Justworks.")
app.add_typer(connections, name="connections")
NameArgument = Annotated[
    str,
    typer.Argument(
        help="A Lever connection's name in the config; jira:NAME or justworks:NAME for a Jira or "
        "Justworks connection."
    ),
]


def _service(config: Config) -> AbstractAsyncContextManager[Service]:
    from hirebridge.runtime.process import database_url, opened_service

    return opened_service(config, database_url(), max_size=4)


def _named(config: Config, name: str) -> tuple[str, str]:
    """("jira", NAME) for `jira:NAME`, else ("lever", NAME) for `NAME` or `lever:NAME`; exits 2 when
    the config has no such connection."""
    if name.startswith("jira:"):
        _jira_or_exit(config, name.removeprefix("jira:"))
        return "jira", name.removeprefix("jira:")
    if name.startswith("justworks:"):
        if name.removeprefix("justworks:") not in config.justworks:
            known = ", ".join(config.justworks) or "none"
            typer.echo(f"no Justworks connection '{name}' in the config (there are: {known})", err=True)
            raise typer.Exit(2)
        return "justworks", name.removeprefix("justworks:")
    _lever_or_exit(config, name.removeprefix("lever:"))
    return "lever", name.removeprefix("lever:")


def _jira_or_exit(config: Config, name: str) -> None:
    if name not in config.jira:
        known = ", ".join(config.jira) or "none"
        typer.echo(f"no Jira connection '{name}' in the config (there are: {known})", err=True)
        raise typer.Exit(2)
    if not config.jira[name].register_webhook:
        typer.echo(
            f"jira.{name}.register_webhook is false: hirebridge does not manage this connection's webhook "
            "(it was made by hand; remove or re-create it in Jira's admin settings)",
            err=True,
        )
        raise typer.Exit(2)


def _lever_or_exit(config: Config, name: str) -> None:
    if name not in config.lever:
        known = ", ".join(config.lever) or "none"
        typer.echo(f"no Lever connection '{name}' in the config (there are: {known})", err=True)
        raise typer.Exit(2)


@connections.command()
def connect(name: NameArgument, config: ConfigOption = None) -> None:
    """OAuth: print the link a Lever Super Admin opens to authorize hirebridge. API key: register the
    webhooks now (and undo a disconnect). jira:NAME: register Jira's webhook now (and undo a disconnect).
    justworks:NAME: print the link a Justworks admin opens to authorize hirebridge."""
    loaded = load_config_or_exit(config)
    kind, name = _named(loaded, name)
    if kind == "justworks":
        _print_connect_link(loaded, name, "justworks", "a Justworks admin")
        return
    if kind == "jira":
        hook = asyncio.run(_connect_jira(loaded, name))
        typer.echo(f"Jira connection '{name}' is connected; its webhook is {hook} in Jira.")
        return
    if loaded.lever[name].oauth is not None:
        _print_connect_link(loaded, name, "lever", "a Lever Super Admin")
        return
    created = asyncio.run(_connect_with_key(loaded, name))
    typer.echo(f"Lever connection '{name}' is connected; webhooks for {created} events are registered.")


def _print_connect_link(config: Config, name: str, kind: Literal["lever", "justworks"], who: str) -> None:
    from hirebridge.config.secret_key import TokenCipher
    from hirebridge.runtime.oauth_connect import STATE_TTL_SECONDS, connect_url, redirect_uri

    url = connect_url(config, name, TokenCipher.from_env(os.environ), kind)
    service = kind.title()
    typer.echo(f"Open this link as {who} within {STATE_TTL_SECONDS // 60} minutes:\n\n{url}\n")
    typer.echo(
        f"{service} then sends you to {redirect_uri(config.service.public_url, name, kind)} (the OAuth "
        f"app's callback URL at {service}): the service must be running there. It stores the tokens"
        + (" and registers the webhooks." if kind == "lever" else ".")
    )


async def _connect_with_key(config: Config, name: str) -> int:
    from hirebridge.runtime.connections import connect_lever_with_key

    async with _service(config) as service:
        return await connect_lever_with_key(service, name)


async def _connect_jira(config: Config, name: str) -> str:
    from hirebridge.connectors.errors import ConnectorError
    from hirebridge.runtime.connections import connect_jira

    async with _service(config) as service:
        try:
            hook = await connect_jira(service, name)
        except ConnectorError as exc:
            typer.echo(
                f"could not register the webhook in Jira ({exc}); a running service keeps trying", err=True
            )
            raise typer.Exit(1) from exc
    if hook is None:
        typer.echo(f"Jira connection '{name}' was disconnected again meanwhile", err=True)
        raise typer.Exit(1)
    return hook.webhook_id


@connections.command()
def verify(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Per connection: reachable, authenticated, webhooks registered, and a signed test ping through the
    service's public address. Exits 1 when a check fails."""
    from hirebridge.runtime.connection_check import check_all

    async def run() -> list[dict[str, object]]:
        async with _service(load_config_or_exit(config)) as service:
            return [report.as_dict() for report in await check_all(service)]

    reports = asyncio.run(run())
    if as_json:
        typer.echo(json.dumps(reports, indent=2))
    else:
        table = Table("connection", "check", "", "detail")
        for report in reports:
            for check, outcome in report.items():
                if isinstance(outcome, dict):
                    mark = {True: "[green]ok[/]", False: "[red]FAILED[/]", None: "–"}[outcome["ok"]]
                    table.add_row(str(report["connection"]), check, mark, str(outcome["detail"]))
        Console().print(table)
    raise typer.Exit(0 if all(r["ok"] for r in reports) else 1)


@connections.command()
def disconnect(name: NameArgument, config: ConfigOption = None) -> None:
    """Remove hirebridge's webhooks from Lever, forget its OAuth tokens, and stop sweeping it.
    jira:NAME: remove hirebridge's webhook from Jira and stop registering it (recipes still write)."""
    loaded = load_config_or_exit(config)
    kind, name = _named(loaded, name)
    if kind == "justworks":
        asyncio.run(_disconnect_justworks(loaded, name))
        typer.echo(f"Justworks connection '{name}' is disconnected; its OAuth tokens are forgotten.")
        return
    if kind == "jira":
        removed = asyncio.run(_disconnect_jira(loaded, name))
        typer.echo(f"Jira connection '{name}' is disconnected; {removed} webhook(s) removed from Jira.")
        return
    removed = asyncio.run(_disconnect(loaded, name))
    typer.echo(f"Lever connection '{name}' is disconnected; {removed} webhooks removed from Lever.")


async def _disconnect(config: Config, name: str) -> int:
    from hirebridge.connectors.errors import ConnectorError
    from hirebridge.runtime.connections import disconnect_lever

    async with _service(config) as service:
        try:
            return await disconnect_lever(service, name)
        except ConnectorError as exc:
            typer.echo(
                f"could not remove the webhooks from Lever ({exc}); delete them there by hand", err=True
            )
            return 0


async def _disconnect_justworks(config: Config, name: str) -> None:
    from hirebridge.runtime.connections import disconnect_justworks

    async with _service(config) as service:
        await disconnect_justworks(service, name)


async def _disconnect_jira(config: Config, name: str) -> int:
    from hirebridge.connectors.errors import ConnectorError
    from hirebridge.runtime.connections import disconnect_jira

    async with _service(config) as service:
        try:
            return await disconnect_jira(service, name)
        except ConnectorError as exc:
            typer.echo(
                f"could not remove the webhook from Jira ({exc}); it is no longer registered again: run "
                "this again, or delete it in Jira's admin settings (System → WebHooks)",
                err=True,
            )
            raise typer.Exit(1) from exc
