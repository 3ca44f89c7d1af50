"""Load the config: YAML with positions, environment expansion, validation, then the checks that
need the whole file (references between connections, recipes and actions; templates; privacy)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

from hirebridge.config.models import Config, Recipe
from hirebridge.config.yamlsource import ConfigError, Locator, Problem, expand_env, load_yaml, validate
from hirebridge.domain.templates import TemplateEngine, TemplateError
from hirebridge.domain.view import SENSITIVE_FIELDS, is_granted


def load_config(path: Path, environ: Mapping[str, str] = os.environ) -> Config:
    """The validated config, or ConfigError listing every problem as file:line:col."""
    data, locator = load_yaml(path)
    data = expand_env(data, environ, locator=locator)
    config = validate(data, locator, Config, file=str(path))
    assert isinstance(config, Config)
    problems = list(check_references(config, locator, file=str(path)))
    if problems:
        raise ConfigError(problems)
    return config


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=3)
    listing = ", ".join(repr(c) for c in choices) or "none"
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else f"known: {listing}"


def check_references(config: Config, locator: Locator, *, file: str) -> list[Problem]:
    problems: list[Problem] = []
    engine = TemplateEngine()
    for r_index, recipe in enumerate(config.recipes):
        at = ("recipes", r_index)
        if recipe.lever not in config.lever:
            problems.append(
                locator.problem(
                    (*at, "lever"),
                    f"no Lever connection '{recipe.lever}'; " + _suggest(recipe.lever, list(config.lever)),
                    file=file,
                )
            )
        problems += _check_actions(config, recipe, at, locator, engine, file=file)
    names = [recipe.name for recipe in config.recipes]
    for r_index, name in enumerate(names):
        if names.index(name) != r_index:
            problems.append(
                locator.problem(
                    ("recipes", r_index, "name"), f"recipe name '{name}' is used twice", file=file
                )
            )
    return problems


def _check_actions(
    config: Config,
    recipe: Recipe,
    at: tuple[str | int, ...],
    locator: Locator,
    engine: TemplateEngine,
    *,
    file: str,
) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for a_index, action in enumerate(recipe.actions):
        here = (*at, "actions", a_index)
        if action.id in seen:
            problems.append(
                locator.problem(
                    (*here, "id"), f"action id '{action.id}' is used twice in this recipe", file=file
                )
            )
        issue = action.jira_issue
        if issue is not None:
            if issue.connection not in config.jira:
                problems.append(
                    locator.problem(
                        (*here, "jira_issue", "connection"),
                        f"no Jira connection '{issue.connection}'; "
                        + _suggest(issue.connection, list(config.jira)),
                        file=file,
                    )
                )
            if issue.parent is not None and seen.get(issue.parent) != "jira_issue":
                problems.append(
                    locator.problem(
                        (*here, "jira_issue", "parent"),
                        f"parent '{issue.parent}' is not an earlier jira_issue action of this recipe; "
                        + _suggest(issue.parent, [k for k, v in seen.items() if v == "jira_issue"]),
                        file=file,
                    )
                )
            fields = {
                "summary": issue.summary,
                "description": issue.description,
                "assignee": issue.assignee,
                "priority": issue.priority,
                "due_date": issue.due_date,
            }
            fields |= {f"labels.{i}": label for i, label in enumerate(issue.labels)}
            kind = "jira_issue"
        else:
            assert action.lever_note is not None
            fields = {"text": action.lever_note.text}
            kind = "lever_note"
        for field, source in fields.items():
            if source is None:
                continue
            loc = (*here, kind, *[int(p) if p.isdigit() else p for p in field.split(".")])
            problems += _check_template(recipe, source, field, loc, seen, locator, engine, file=file)
        seen[action.id] = kind
    return problems


def _check_template(
    recipe: Recipe,
    source: str,
    field: str,
    loc: tuple[str | int, ...],
    earlier: Mapping[str, str],
    locator: Locator,
    engine: TemplateEngine,
    *,
    file: str,
) -> list[Problem]:
    try:
        template = engine.compile(source, name=field, markdown=field == "description")
    except TemplateError as exc:
        return [
            locator.problem(
                loc,
                f"template error{f' on its line {exc.line}' if exc.line else ''}: {exc.message}",
                file=file,
            )
        ]
    problems = []
    for path in sorted(template.fields_used()):
        root = path.split(".")[0].replace("[]", "")
        if root == "refs":
            parts = path.split(".")
            if len(parts) < 2 or parts[1] not in earlier:
                problems.append(
                    locator.problem(
                        loc,
                        f"'{path}' refers to no earlier action; "
                        f"earlier actions: {', '.join(earlier) or 'none'}",
                        file=file,
                    )
                )
            continue
        if not is_granted(path, recipe.allow):
            sensitive = any(path.replace("[]", "") == s or path.startswith(s + ".") for s in SENSITIVE_FIELDS)
            hint = (
                f"it is sensitive: add exactly '{path.replace('[]', '')}' to allow to opt in"
                if sensitive
                else f"add '{path.replace('[]', '')}' (or its section) to allow"
            )
            problems.append(
                locator.problem(
                    loc,
                    f"template reads '{path}', which recipe '{recipe.name}' does not allow; {hint}",
                    file=file,
                )
            )
    return problems
