"""Read the config: YAML with positions, environment expansion, the schema, and the checks of the
whole file that need no domain rule (how each connection authenticates, `moved` blocks). The checks
that compile templates and apply the privacy rules are the domain's (domain/config_checks.py);
runtime/configuration.py runs both."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from hirebridge.config.models import Config
from hirebridge.config.secret_key import SECRET_KEY_VARIABLE
from hirebridge.config.suggest import suggest
from hirebridge.config.yamlsource import Locator, Problem, expand_env, load_yaml, validate

Loc = tuple[str | int, ...]


def read_config(path: Path, environ: Mapping[str, str] = os.environ) -> tuple[Config, Locator]:
    """The config as the schema reads it, and its positions; ConfigError (file:line:col) if the
    file does not parse or does not fit the schema."""
    data, locator = load_yaml(path)
    data = expand_env(data, environ, locator=locator, file=str(path))
    return validate(data, locator, Config, file=str(path)), locator


def check_connections(
    config: Config, locator: Locator, environ: Mapping[str, str], *, file: str
) -> list[Problem]:
    """Each Lever connection authenticates one way; OAuth tokens need a key to be stored encrypted, and
    console sign-in through an identity provider one to seal its state cookie."""
    problems = []
    key_advice = (
        "Set it to a long random string, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`, and keep it"
    )
    for name, lever in config.lever.items():
        at: Loc = ("lever", name)
        if (lever.api_key is None) == (lever.oauth is None):
            problems.append(
                locator.problem(
                    at,
                    f"Lever connection '{name}' needs exactly one of `api_key: ${{LEVER_API_KEY}}` or "
                    "`oauth: {client_id: ..., client_secret: ${LEVER_CLIENT_SECRET}}`",
                    file=file,
                )
            )
        elif lever.oauth is not None and not environ.get(SECRET_KEY_VARIABLE):
            problems.append(
                locator.problem(
                    (*at, "oauth"),
                    f"{SECRET_KEY_VARIABLE} is not set: Lever OAuth tokens are stored encrypted with it. "
                    + key_advice,
                    file=file,
                )
            )
    if config.console.enabled and config.console.oidc is not None and not environ.get(SECRET_KEY_VARIABLE):
        problems.append(
            locator.problem(
                ("console", "oidc"),
                f"{SECRET_KEY_VARIABLE} is not set: sign-in through the identity provider seals its "
                "state cookie with it, so `serve` would not start. " + key_advice,
                file=file,
            )
        )
    return problems


def check_moves(config: Config, locator: Locator, *, file: str) -> list[Problem]:
    """A `moved` block names what no longer exists (`from`) and what does (`to`); else it would move
    effects of a live action, or move them where nothing owns them."""
    problems = []
    actions = {r.name: {a.id for a in r.actions} for r in config.recipes}
    addresses = [*actions, *(f"{r}/{a}" for r, ids in actions.items() for a in ids)]
    sources = [move.from_ for move in config.moved]
    targets = [move.to for move in config.moved]
    for index, move in enumerate(config.moved):
        if move.from_ in addresses:
            problems.append(
                locator.problem(
                    ("moved", index, "from"),
                    f"'{move.from_}' still exists in the recipes; `from` names the old address, which "
                    "no recipe uses any more",
                    file=file,
                )
            )
        if move.to not in addresses:
            problems.append(
                locator.problem(
                    ("moved", index, "to"),
                    f"no recipe or action '{move.to}'; " + suggest(move.to, addresses),
                    file=file,
                )
            )
        if sources.index(move.from_) != index:
            problems.append(
                locator.problem(("moved", index, "from"), f"'{move.from_}' is moved twice", file=file)
            )
        if targets.index(move.to) != index:
            problems.append(
                locator.problem(("moved", index, "to"), f"two moves lead to '{move.to}'", file=file)
            )
    return problems
