"""`hirebridge check`: the config file's problems, then everything it names that Lever or Jira lacks."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hirebridge.cli.app import ConfigOption, app

if TYPE_CHECKING:
    from hirebridge.runtime.verify import Finding

HEADERS = ("LEVEL", "WHERE", "RECIPE / ACTION", "PROBLEM")


@app.command()
def check(
    config: ConfigOption = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Only validate the file; do not connect to Lever or Jira.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Validate the config, then verify that every stage, project, field, status and user it names exists.

    Exits 0 when nothing is wrong, 1 otherwise. Privacy opt-ins are listed for review.
    """
    from hirebridge.runtime.verify import check as run_check
    from hirebridge.runtime.verify import (
        lifecycle_summary,
        load_for_check,
        not_checked_offline,
        offline_environ,
    )

    if config is None:
        typer.echo("no config: pass --config FILE or set HIREBRIDGE_CONFIG", err=True)
        raise typer.Exit(2)
    if not Path(config).exists():
        typer.echo(f"{config}: no such file", err=True)
        raise typer.Exit(2)
    findings = asyncio.run(run_check(Path(config), offline=offline))
    errors = [f for f in findings if f.level == "error"]
    note = not_checked_offline(Path(config)) if offline else None
    environ = offline_environ(Path(config), os.environ)[0] if offline else os.environ
    loaded = load_for_check(Path(config), environ)[0]
    lifecycle = lifecycle_summary(loaded) if loaded is not None else []
    if as_json:
        answer = {"ok": not errors, "findings": [f.as_dict() for f in findings], "data_lifecycle": lifecycle}
        typer.echo(json.dumps(answer | ({"not_checked": note} if note else {}), indent=2))
    else:
        if findings:
            typer.echo(table(findings))
        if lifecycle:
            typer.echo("Data lifecycle:\n" + "\n".join(f"  {line}" for line in lifecycle))
        checked = "the file" if offline else "the file and its connections"
        typer.echo(
            f"{len(errors)} problem(s) in {checked}." if errors else f"{config}: no problems in {checked}."
        )
        if note:
            typer.echo(note)
    raise typer.Exit(1 if errors else 0)


def _order(finding: Finding) -> tuple[bool, str, int, int]:
    """Errors first, then by file and position (numerically: line 35 before line 100)."""
    file, line, column = [*finding.where.rsplit(":", 2), "0", "0"][:3]
    number = (int(line), int(column)) if line.isdigit() and column.isdigit() else (0, 0)
    return finding.level != "error", file, *number


def table(findings: list[Finding]) -> str:
    """Aligned columns; the message last, so a long one never breaks the others."""
    if not findings:
        return ""
    rows = [
        (
            f.level,
            f.where,
            "/".join(part for part in (f.recipe, f.action) if part) or "-",
            f.message,
        )
        for f in sorted(findings, key=_order)
    ]
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in [HEADERS, *rows]
    ]
    return "\n".join(lines)
