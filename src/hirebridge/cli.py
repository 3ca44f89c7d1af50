"""The `hirebridge` command line."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hirebridge.logging_setup import configure_logging
from hirebridge.settings import Settings

if TYPE_CHECKING:
    from hirebridge.config.models import Config

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
sim_app = typer.Typer(no_args_is_help=True, help="Run a simulator of an external system.")
app.add_typer(sim_app, name="sim")

PortOption = Annotated[int, typer.Option("--port", help="TCP port on 127.0.0.1.")]
SeedOption = Annotated[
    Path | None, typer.Option("--seed", exists=True, dir_okay=False, help="JSON company to start from.")
]


ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="HIREBRIDGE_CONFIG", dir_okay=False, help="The YAML config file."),
]


def _load(config_path: Path | None) -> Config:
    from hirebridge.config.loader import load_config
    from hirebridge.config.yamlsource import ConfigError

    if config_path is None:
        typer.echo("no config: pass --config FILE or set HIREBRIDGE_CONFIG", err=True)
        raise typer.Exit(2)
    if not config_path.exists():
        typer.echo(f"{config_path}: no such file", err=True)
        raise typer.Exit(2)
    try:
        return load_config(config_path)
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    config: ConfigOption = None,
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8100,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    workers: Annotated[
        bool, typer.Option("--workers/--no-workers", help="Run reconciles in-process.")
    ] = True,
) -> None:
    """Serve webhooks, health and metrics, and run workers in the same process."""
    import uvicorn

    from hirebridge.store.database import resolve_database_url
    from hirebridge.web.app import create_app

    configure_logging()
    loaded = _load(config)
    url = resolve_database_url(Settings.from_env())
    uvicorn.run(
        create_app(loaded, database_url=url, run_workers=workers),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


@app.command()
def worker(
    config: ConfigOption = None,
    concurrency: Annotated[
        int | None, typer.Option(help="Reconciles at once (default: service.workers).")
    ] = None,
) -> None:
    """Run workers only; several may run against one database, on several machines."""
    from hirebridge.runtime.worker import run_worker
    from hirebridge.store.database import resolve_database_url

    configure_logging()
    loaded = _load(config)
    url = resolve_database_url(Settings.from_env())
    asyncio.run(run_worker(loaded, url, concurrency=concurrency))


@app.command()
def demo(
    config: Annotated[Path, typer.Option("--config", dir_okay=False, help="Config to run.")] = Path(
        "examples/demo.yaml"
    ),
) -> None:
    """Start PostgreSQL, the simulators and the service; play a hiring season; print the result."""
    from hirebridge.demo.run import run_demo

    raise typer.Exit(run_demo(config))


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
    """Justworks partner API (/v1/...) with a pending-hire write surface and control API (/_sim/...).

    Default credentials: OAuth client_credentials `sim-justworks-client` / `sim-justworks-secret`.
    """
    _run_simulator("justworks", port, seed)


def main() -> None:
    app()
