"""`hirebridge users`: the web console's local accounts (viewer, operator, admin)."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit

users = typer.Typer(no_args_is_help=True, help="The web console's accounts.")
app.add_typer(users, name="users")
T = TypeVar("T")


class Role(StrEnum):
    viewer = "viewer"
    operator = "operator"
    admin = "admin"


def _run(work: Callable[[Any], Awaitable[T]]) -> T:
    from hirebridge.runtime.process import database_url, opened_store

    async def run() -> T:
        async with opened_store(database_url(), max_size=2) as pool:
            return await work(pool)

    return asyncio.run(run())


def _password() -> str:
    """From standard input (one line), or asked twice at a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        typer.echo("the passwords differ", err=True)
        raise typer.Exit(2)
    return first


def _hashed(password: str, config: Path | None) -> str:
    from hirebridge.web.console.passwords import Passwords, WeakPassword

    settings = load_config_or_exit(config).console if config is not None else None
    try:
        return Passwords(settings).hash(password)
    except WeakPassword as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def _email(value: str) -> str:
    from hirebridge.web.console.signin import normalise

    email = normalise(value)
    if "@" not in email or " " in email:
        typer.echo(f"{value!r} is not an email address", err=True)
        raise typer.Exit(2)
    return email


@users.command("add")
def add(
    email: str,
    role: Annotated[
        Role,
        typer.Option(
            "--role",
            help="viewer reads; operator also retries and "
            "reconciles; admin also manages users and reviews packets.",
        ),
    ],
    no_password: Annotated[
        bool, typer.Option("--no-password", help="Sign in through the identity provider only.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Add an account; its password is read from standard input (at least 12 characters)."""
    from hirebridge.runtime import console_accounts

    address = _email(email)
    hashed = None if no_password else _hashed(_password(), config)
    if not _run(lambda pool: console_accounts.add(pool, address, role.value, hashed)):
        typer.echo(f"{address} exists already (users set-role, users set-password)", err=True)
        raise typer.Exit(1)
    typer.echo(f"added {address} as {role.value}")


@users.command("list")
def listing() -> None:
    """Every account, its role and when it was last seen."""
    from hirebridge.runtime import console_accounts

    rows = _run(console_accounts.listing)
    for row in rows:
        seen = row.last_seen_at.strftime("%Y-%m-%d %H:%M") if row.last_seen_at else "never"
        how = "password" if row.has_password else "identity provider"
        typer.echo(f"{row.email}\t{row.role}\t{how}\tlast seen {seen}")
    if not rows:
        typer.echo("no accounts: add one with `hirebridge users add EMAIL --role admin`", err=True)


@users.command("remove")
def remove(email: str) -> None:
    """Remove an account; its open sessions end at once."""
    from hirebridge.runtime import console_accounts

    address = _email(email)
    if not _run(lambda pool: console_accounts.remove(pool, address)):
        typer.echo(f"no account {address}", err=True)
        raise typer.Exit(1)
    typer.echo(f"removed {address}")


@users.command("set-role")
def set_role(email: str, role: Role) -> None:
    """Change an account's role; open sessions have the new role from their next request."""
    from hirebridge.runtime import console_accounts

    address = _email(email)
    if not _run(lambda pool: console_accounts.set_role(pool, address, role.value)):
        typer.echo(f"no account {address}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{address} is now {role.value}")


@users.command("set-password")
def set_password(email: str, config: ConfigOption = None) -> None:
    """Set an account's password from standard input; its open sessions end."""
    from hirebridge.runtime import console_accounts

    address = _email(email)
    hashed = _hashed(_password(), config)
    if not _run(lambda pool: console_accounts.set_password(pool, address, hashed)):
        typer.echo(f"no account {address}", err=True)
        raise typer.Exit(1)
    typer.echo(f"password of {address} changed")
