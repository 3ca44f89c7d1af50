"""`hirebridge sim lever|jira|justworks`: one simulator of an external system."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any

import typer

from hirebridge.cli.app import app

sim_app = typer.Typer(no_args_is_help=True, help="Run a simulator of an external system.")
app.add_typer(sim_app, name="sim")

PortOption = Annotated[int, typer.Option("--port", help="TCP port on 127.0.0.1.")]
SeedOption = Annotated[
    Path | None, typer.Option("--seed", exists=True, dir_okay=False, help="JSON company to start from.")
]


def _run_simulator(name: str, port: int, seed: Path | None, **options: Any) -> None:
    # Imported by name so that nothing in the product depends on the simulators.
    module = importlib.import_module(f"hirebridge.sims.{name}")
    module.serve(port=port, seed=seed, **options)


@sim_app.command("lever")
def sim_lever(
    port: PortOption = 8101,
    seed: SeedOption = None,
    enable_webhook_events: Annotated[
        bool,
        typer.Option(help="Start with every webhook event turned on, as a Super Admin does in settings."),
    ] = False,
    allow_http_loopback: Annotated[
        bool,
        typer.Option(help="Accept plain-HTTP webhook URLs on loopback (Lever delivers over HTTPS only)."),
    ] = False,
) -> None:
    """Lever Data API (/v1/...) and control API (/_sim/...).

    Default credentials: API key `sim-lever-key` (HTTP Basic username, empty password).
    """
    settings: dict[str, Any] = {"allow_http_loopback": allow_http_loopback}
    if enable_webhook_events:
        settings["enabled_events"] = "all"
    _run_simulator("lever", port, seed, webhook_settings=settings)


@sim_app.command("jira")
def sim_jira(port: PortOption = 8102, seed: SeedOption = None) -> None:
    """Jira Cloud platform v3/v2, Service Management and control API (/_sim/...).

    Default credentials: HTTP Basic `admin@example.com` / `sim-token`.
    """
    _run_simulator("jira", port, seed)


@sim_app.command("justworks")
def sim_justworks(port: PortOption = 8103, seed: SeedOption = None) -> None:
    """Justworks Partner API (/oauth/..., /v1/company, /v1/members) and control API (/_sim/...), where the
    admin's "Add a person" form is.

    Default OAuth client (authorization code): `sim-justworks-client` / `sim-justworks-secret`.
    """
    _run_simulator("justworks", port, seed)


@sim_app.command("oidc")
def sim_oidc(
    port: PortOption = 8104,
    redirect_uri: Annotated[
        str,
        typer.Option(help="The one address the client may send people back to (the console's callback)."),
    ] = "http://127.0.0.1:8100/console/oidc/callback",
) -> None:
    """An OpenID Connect provider (discovery, sign-in form for test users, token, JWKS, UserInfo).

    Client: `sim-oidc-client` / `sim-oidc-secret`; test users' password: `sim-password`.
    """
    _run_simulator("oidc", port, None, redirect_uri=redirect_uri)
