"""`hirebridge sim lever|jira|justworks`: one simulator of an external system."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer

from hirebridge.cli.app import app

sim_app = typer.Typer(no_args_is_help=True, help="Run a simulator of an external system.")
app.add_typer(sim_app, name="sim")

PortOption = Annotated[int, typer.Option("--port", help="TCP port on 127.0.0.1.")]
SeedOption = Annotated[
    Path | None, typer.Option("--seed", exists=True, dir_okay=False, help="JSON company to start from.")
]


def _run_simulator(name: str, port: int, seed: Path | None) -> None:
    # Imported by name so that nothing in the product depends on the simulators.
    module = importlib.import_module(f"hirebridge.sims.{name}")
    module.serve(port=port, seed=seed)


@sim_app.command("lever")
def sim_lever(port: PortOption = 8101, seed: SeedOption = None) -> None:
    """Lever Data API (/v1/...) and control API (/_sim/...).

    Default credentials: API key `sim-lever-key` (HTTP Basic username, empty password).
    """
    _run_simulator("lever", port, seed)


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
