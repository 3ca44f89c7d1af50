"""The config's checks that need domain rules: references between a recipe's actions and to
connections, templates that compile, and what templates read against the recipe's `allow`."""

from __future__ import annotations

from collections.abc import Mapping

from hirebridge.config.models import Action, Config, Recipe
from hirebridge.config.suggest import suggest
from hirebridge.config.yamlsource import Locator, Problem
from hirebridge.domain.recipes import template_sources
from hirebridge.domain.templates import TemplateEngine, TemplateError
from hirebridge.domain.view import OWN_CONTEXT, SENSITIVE_FIELDS, is_granted

Loc = tuple[str | int, ...]


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
