"""The `hirebridge` command line. Each group of commands lives in a module of its own."""

from __future__ import annotations

from hirebridge.cli import (  # noqa: F401  (registers the commands)
    check,
    connections,
    demo,
    lifecycle,
    plan,
    rollout,
    schema,
    service,
    sim,
    status,
    sweep,
    users,
)
from hirebridge.cli.app import app


def main() -> None:
    app()
