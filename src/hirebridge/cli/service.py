"""`hirebridge serve` and `hirebridge worker`."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit
from hirebridge.logging_setup import configure_logging


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

    from hirebridge.runtime.process import database_url, exit_on_sigterm
    from hirebridge.web.app import create_app

    configure_logging()
    exit_on_sigterm()
    loaded = load_config_or_exit(config)
    uvicorn.run(
        create_app(loaded, database_url=database_url(), run_workers=workers),
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
    from hirebridge.runtime.process import database_url, exit_on_sigterm
    from hirebridge.runtime.worker import run_worker

    configure_logging()
    exit_on_sigterm()
    loaded = load_config_or_exit(config)
    asyncio.run(run_worker(loaded, database_url(), concurrency=concurrency))
