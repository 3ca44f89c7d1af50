"""The `hirebridge` command line. Each group of commands lives in a module of its own."""

from __future__ import annotations

from hirebridge.cli import check, demo, plan, schema, service, sim  # noqa: F401  (registers the commands)  # noqa: F401
from hirebridge.cli.app import app


def main() -> None:
    app()
