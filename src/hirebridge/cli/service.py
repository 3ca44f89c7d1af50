"""`hirebridge serve` and `hirebridge worker`."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from hirebridge.cli.app import ConfigOption, app, load_config_or_exit
from hirebridge.logging_setup import configure_logging
from hirebridge.settings import Settings
from hirebridge.store.embedded import exit_on_sigterm


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
    exit_on_sigterm()
    loaded = load_config_or_exit(config)
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
    exit_on_sigterm()
    loaded = load_config_or_exit(config)
    url = resolve_database_url(Settings.from_env())
    asyncio.run(run_worker(loaded, url, concurrency=concurrency))
