"""Load the config: YAML with positions, environment expansion, validation, then the checks that
need the whole file (references between connections, recipes and actions; templates; privacy)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

from hirebridge.config.models import Action, Config, Recipe
from hirebridge.config.secret_key import SECRET_KEY_VARIABLE
from hirebridge.config.yamlsource import ConfigError, Locator, Problem, expand_env, load_yaml, validate
from hirebridge.domain.recipes import template_sources
from hirebridge.domain.templates import TemplateEngine, TemplateError
from hirebridge.domain.view import OWN_CONTEXT, SENSITIVE_FIELDS, is_granted

Loc = tuple[str | int, ...]


def load_config(path: Path, environ: Mapping[str, str] = os.environ) -> Config:
    """The validated config, or ConfigError listing every problem as file:line:col."""
    data, locator = load_yaml(path)
    data = expand_env(data, environ, locator=locator, file=str(path))
    config = validate(data, locator, Config, file=str(path))
    problems = check_connections(config, locator, environ, file=str(path))
    problems += check_references(config, locator, file=str(path))
    problems += check_moves(config, locator, file=str(path))
    if problems:
        raise ConfigError(problems)
    return config


def check_connections(
    config: Config, locator: Locator, environ: Mapping[str, str], *, file: str
) -> list[Problem]:
    """Each Lever connection authenticates one way; OAuth tokens need a key to be stored encrypted."""
    problems = []
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
                    "Set it to a long random string, e.g. the output of "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`, and keep it",
                    file=file,
                )
            )
    return problems


def suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=3)
    listing = ", ".join(repr(c) for c in choices) or "none"
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else f"known: {listing}"


def check_references(config: Config, locator: Locator, *, file: str) -> list[Problem]:
    problems: list[Problem] = []
    engine = TemplateEngine()
    names = [recipe.name for recipe in config.recipes]
    for r_index, recipe in enumerate(config.recipes):
        at: Loc = ("recipes", r_index)
        if names.index(recipe.name) != r_index:
            problems.append(
                locator.problem((*at, "name"), f"recipe name '{recipe.name}' is used twice", file=file)
            )
        if recipe.lever not in config.lever:
            problems.append(
                locator.problem(
                    (*at, "lever"),
                    f"no Lever connection '{recipe.lever}'; " + suggest(recipe.lever, list(config.lever)),
                    file=file,
                )
            )
        if recipe.when.match is not None:
            problems += _check_template(
                recipe, recipe.when.match, (*at, "when", "match"), {}, locator, engine, file=file
            )
        problems += _check_actions(config, recipe, at, locator, engine, file=file)
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


def _connection_problem(
    config: Config, action: Action, here: Loc, locator: Locator, file: str
) -> Problem | None:
    connection = getattr(action.body, "connection", None)
    if connection is None:
        return None
    justworks = action.kind.startswith("justworks_")
    known = config.justworks if justworks else config.jira
    if connection in known:
        return None
    system = "Justworks" if justworks else "Jira"
    return locator.problem(
        (*here, action.kind, "connection"),
        f"no {system} connection '{connection}'; " + suggest(connection, list(known)),
        file=file,
    )


def _check_actions(
    config: Config, recipe: Recipe, at: Loc, locator: Locator, engine: TemplateEngine, *, file: str
) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for a_index, action in enumerate(recipe.actions):
        here: Loc = (*at, "actions", a_index)
        body = action.body
        if action.id in seen:
            problems.append(
                locator.problem(
                    (*here, "id"), f"action id '{action.id}' is used twice in this recipe", file=file
                )
            )
        problem = _connection_problem(config, action, here, locator, file)
        if problem is not None:
            problems.append(problem)
        for field, wanted in (
            ("parent", ("jira_issue",)),
            ("on", ("jira_issue",)),
            ("source", ("jira_issue", "jsm_request")),
        ):
            target = getattr(body, field, None)
            if target is not None and seen.get(target) not in wanted:
                choices = [k for k, v in seen.items() if v in wanted]
                problems.append(
                    locator.problem(
                        (*here, action.kind, field),
                        f"'{target}' is not an earlier {' or '.join(wanted)} action of this recipe; "
                        + suggest(target, choices),
                        file=file,
                    )
                )
        for_each = getattr(body, "for_each", None)
        if for_each is not None and not is_granted(for_each, recipe.allow):
            problems.append(
                locator.problem(
                    (*here, action.kind, "for_each"),
                    f"for_each reads '{for_each}', which the recipe does not allow; "
                    f"add '{for_each}' to allow",
                    file=file,
                )
            )
        for path, source in template_sources(action).items():
            loc = (*here, action.kind, *[int(p) if p.isdigit() else p for p in path.split(".")])
            problems += _check_template(
                recipe,
                source,
                loc,
                seen,
                locator,
                engine,
                file=file,
                markdown=path == "description" and action.kind == "jira_issue",
            )
        seen[action.id] = action.kind
    return problems


def _check_template(
    recipe: Recipe,
    source: str,
    loc: Loc,
    earlier: Mapping[str, str],
    locator: Locator,
    engine: TemplateEngine,
    *,
    file: str,
    markdown: bool = False,
) -> list[Problem]:
    try:
        template = engine.compile(source, name=str(loc[-1]), markdown=markdown)
    except TemplateError as exc:
        line = f" on its line {exc.line}" if exc.line else ""
        return [locator.problem(loc, f"template error{line}: {exc.message}", file=file)]
    problems = []
    for path in sorted(template.fields_used()):
        root = path.split(".")[0].replace("[]", "")
        if root == "refs":
            parts = path.split(".")
            if len(parts) < 2 or parts[1].replace("[]", "") not in earlier:
                problems.append(
                    locator.problem(
                        loc,
                        f"'{path}' refers to no earlier action; "
                        f"earlier actions: {', '.join(earlier) or 'none'}",
                        file=file,
                    )
                )
            continue
        if root in OWN_CONTEXT or is_granted(path, recipe.allow):
            continue
        plain = path.replace("[]", "")
        sensitive = any(plain == s or plain.startswith(s + ".") for s in SENSITIVE_FIELDS)
        hint = (
            f"it is sensitive: add exactly '{plain}' to allow to opt in"
            if sensitive
            else f"add '{plain}' (or its section) to allow"
        )
        problems.append(
            locator.problem(
                loc,
                f"template reads '{path}', which recipe '{recipe.name}' does not allow; {hint}",
                file=file,
            )
        )
    return problems
