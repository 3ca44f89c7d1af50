"""The typer application every command module registers itself on, and shared options."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hirebridge.config.models import Config

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="hirebridge keeps Lever in sync with Jira and Justworks."
)


@app.callback()
def _log_to_stderr() -> None:
    # Every command logs to stderr, so that stdout (`--json` above all) carries only its output; the
    # one-shot commands log warnings only, unless HIREBRIDGE_LOG_LEVEL says otherwise.
    from hirebridge.logging_setup import configure_logging

    configure_logging(os.environ.get("HIREBRIDGE_LOG_LEVEL", "WARNING"))


ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="HIREBRIDGE_CONFIG", dir_okay=False, help="The YAML config file."),
]


def load_config_or_exit(config_path: Path | None) -> Config:
    """The validated config; on a problem, print it (file:line:col) and exit 2."""
    from hirebridge.config.yamlsource import ConfigError
    from hirebridge.runtime.configuration import load_config

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
