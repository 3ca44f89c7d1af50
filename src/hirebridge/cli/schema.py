"""`hirebridge schema`: the config's JSON Schema, for editor completion and validation as you type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hirebridge.cli.app import app

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# `${NAME}` / `${NAME:-default}` is expanded before validation, so it may stand for any value.
ENV_REFERENCE = {
    "type": "string",
    "pattern": r"^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$",
    "description": "An environment variable, expanded when the config is loaded.",
}
OUTER_KEYS = ("title", "description", "default")


def config_schema() -> dict[str, Any]:
    """The JSON Schema of the YAML config (pydantic's, as validation sees it)."""
    from hirebridge.config.models import Config

    schema = _allow_env(Config.model_json_schema(mode="validation"))
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "hirebridge configuration",
        "description": "Connections to Lever, Jira and Justworks, and the recipes that keep them in sync. "
        "Secrets are written as ${ENV_VAR} references, never inline.",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def _allow_env(node: Any) -> Any:
    """Let numbers and booleans also be written as `${VAR}` (strings already accept it)."""
    if isinstance(node, list):
        return [_allow_env(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _allow_env(value) for key, value in node.items()}
    if node.get("type") in ("integer", "number", "boolean"):
        outer = {key: node.pop(key) for key in OUTER_KEYS if key in node}
        return {**outer, "anyOf": [node, ENV_REFERENCE]}
    return node


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the config file (for yaml-language-server and other editors)."""
    text = json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)
