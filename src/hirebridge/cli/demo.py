"""`hirebridge demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hirebridge.cli.app import app


@app.command()
def demo(
    config: Annotated[Path, typer.Option("--config", dir_okay=False, help="Config to run.")] = Path(
        "examples/demo.yaml"
    ),
) -> None:
    """Start PostgreSQL, the simulators and the service; play a hiring season; print the result."""
    from hirebridge.demo.run import run_demo

    raise typer.Exit(run_demo(config))
