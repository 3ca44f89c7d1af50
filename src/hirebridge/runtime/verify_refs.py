"""What a config refers to outside itself (stages, projects, statuses, users, …), found without I/O.

A value is checkable when it is literal, or when its template only picks from lookup tables with
quoted defaults (`{{ lookups.priority.get(x, 'Medium') }}`): then every value it can take is known.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from hirebridge.config.models import Action, Config, Recipe
from hirebridge.domain.view import COMPENSATION_WORDS, SENSITIVE_FIELDS

Loc = tuple[str | int, ...]
_LOOKUP = re.compile(r"lookups\.(\w+)|lookups\[['\"](\w+)['\"]\]")
_DEFAULT = re.compile(r"default\(\s*['\"]([^'\"]*)['\"]")
_GET_DEFAULT = re.compile(r"lookups\.\w+\.get\((?:[^()]|\([^()]*\))*?,\s*['\"]([^'\"]*)['\"]\s*\)")
CONTACT = ("candidate.emails", "candidate.phones", "candidate.links", "candidate.location")


@dataclass(frozen=True)
class Reference:
    """One name the config expects to exist in Lever or Jira, and where the config says it."""

    kind: str  # stage | archive_reason | lever_user | project | issue_type | field | status | priority
    #            | assignee | service_desk | request_type | request_field
    value: str
    loc: Loc
    connection: str  # "lever:main" / "jira:main"
    recipe: str | None = None
    action: str | None = None
    project: str | None = None
    issue_type: str | None = None
    request_type: str | None = None
    field_value: str | None = None  # for `field` / `request_field`: the literal value it is given
    via: str | None = None  # "lookup table 'priority'" when a value comes from a table
    given: tuple[str, ...] = ()  # for `request_type`: the fields the action sets


def literal_values(
    source: str | None, lookups: Mapping[str, Mapping[str, str]]
) -> list[tuple[str, str | None]]:
    """Every value a template can render to, with where it comes from; [] when it cannot be known."""
    if source is None:
        return []
    text = source.strip()
    if "{{" not in text and "{%" not in text:
        return [(text, None)] if text else []
    if "{%" in text or text.count("{{") != 1 or not (text.startswith("{{") and text.endswith("}}")):
        return []
    tables = [a or b for a, b in _LOOKUP.findall(text)]
    if not tables:
        return []
    values = [(v, f"lookup table '{t}'") for t in tables for v in lookups.get(t, {}).values()]
    values += [(v, "the template's default") for v in _DEFAULT.findall(text) + _GET_DEFAULT.findall(text)]
    return [(v.strip(), via) for v, via in dict.fromkeys(values) if v.strip()]


def _values(
    kind: str, source: str | None, loc: Loc, config: Config, **common: str | None
) -> Iterator[Reference]:
    for value, via in literal_values(source, config.lookups):
        yield Reference(kind, value, loc, via=via, **common)  # type: ignore[arg-type]


def references(config: Config) -> list[Reference]:
    found: list[Reference] = []
    for name, lever in config.lever.items():
        if lever.perform_as:
            found.append(
                Reference("lever_user", lever.perform_as, ("lever", name, "perform_as"), f"lever:{name}")
            )
    for index, recipe in enumerate(config.recipes):
        found += _recipe_references(config, recipe, ("recipes", index))
    return found


def _recipe_references(config: Config, recipe: Recipe, at: Loc) -> Iterator[Reference]:
    lever = f"lever:{recipe.lever}"
    when = recipe.when
    if when.stage_reached:
        yield Reference("stage", when.stage_reached, (*at, "when", "stage_reached"), lever, recipe.name)
    for i, stage in enumerate(when.in_stage or ()):
        yield Reference("stage", stage, (*at, "when", "in_stage", i), lever, recipe.name)
    for i, reason in enumerate(when.archive_reasons or ()):
        yield Reference("archive_reason", reason, (*at, "when", "archive_reasons", i), lever, recipe.name)
    for a_index, action in enumerate(recipe.actions):
        yield from _action_references(config, recipe, action, (*at, "actions", a_index))


def _action_references(config: Config, recipe: Recipe, action: Action, here: Loc) -> Iterator[Reference]:
    body, kind = action.body, action.kind
    loc: Loc = (*here, kind)
    if kind == "lever_note" and body.perform_as:
        yield Reference(
            "lever_user",
            body.perform_as,
            (*loc, "perform_as"),
            f"lever:{recipe.lever}",
            recipe.name,
            action.id,
        )
    if kind not in ("jira_issue", "jsm_request"):
        return
    jira = f"jira:{body.connection}"
    own = {"recipe": recipe.name, "action": action.id, "connection": jira}
    reversal = ("recipes", *here[1:2], "on_reversal")
    close = body.close_status or recipe.on_reversal.cancel_status
    close_loc = (*loc, "close_status") if body.close_status else (*reversal, "cancel_status")
    if kind == "jsm_request":
        yield Reference("service_desk", body.service_desk, (*loc, "service_desk"), **own)
        scope = {"project": body.service_desk, "request_type": body.request_type}
        yield Reference(
            "request_type",
            body.request_type,
            (*loc, "request_type"),
            **own,
            **scope,
            given=tuple(body.fields),
        )
        for name, source in body.fields.items():
            values = literal_values(source, config.lookups) or [("", None)]
            for value, via in values:
                yield Reference(
                    "request_field",
                    name,
                    (*loc, "fields", name),
                    **own,
                    **scope,
                    field_value=value or None,
                    via=via,
                )
        yield from _values(
            "status", close, close_loc, config, **own, project=body.service_desk, issue_type=None
        )
        return
    for project, via in literal_values(body.project, config.lookups):
        yield Reference("project", project, (*loc, "project"), **own, via=via)
        scope = {"project": project, "issue_type": body.type}
        yield Reference("issue_type", body.type, (*loc, "type"), **own, project=project)
        parent = next((a for a in recipe.actions if a.id == body.parent and a.jira_issue), None)
        if parent is not None and parent.jira_issue is not None:
            # Same project only: a parent elsewhere is a cross-project link Jira decides on.
            if parent.jira_issue.project == body.project:
                yield Reference(
                    "hierarchy",
                    body.type,
                    (*loc, "parent"),
                    **own,
                    project=project,
                    issue_type=parent.jira_issue.type,
                )
        for name, source in body.fields.items():
            for value, value_via in literal_values(source, config.lookups) or [("", None)]:
                yield Reference(
                    "field",
                    name,
                    (*loc, "fields", name),
                    **own,
                    **scope,
                    field_value=value or None,
                    via=value_via,
                )
        for standard, attribute in (
            ("priority", "priority"),
            ("duedate", "due_date"),
            ("assignee", "assignee"),
            ("description", "description"),
        ):
            if getattr(body, attribute):
                yield Reference("field", standard, (*loc, attribute), **own, **scope)
        yield from _values("status", body.status, (*loc, "status"), config, **own, **scope)
        yield from _values("status", close, close_loc, config, **own, **scope)
        if not body.status:
            reopen = recipe.on_reversal.reopen_status
            yield from _values("status", reopen, (*reversal, "reopen_status"), config, **own, **scope)
    yield from _values("priority", body.priority, (*loc, "priority"), config, **own)
    for value, via in literal_values(body.assignee, config.lookups):
        yield Reference("assignee", value, (*loc, "assignee"), **own, via=via)


def privacy_opt_ins(config: Config) -> list[tuple[Loc, str, str]]:
    """(where, recipe, what) for every sensitive thing a recipe opts in to."""
    found = []
    for r_index, recipe in enumerate(config.recipes):
        for g_index, grant in enumerate(recipe.allow):
            category = sensitive_category(grant)
            if category:
                found.append(
                    (("recipes", r_index, "allow", g_index), recipe.name, f"allows {category}: '{grant}'")
                )
        for a_index, action in enumerate(recipe.actions):
            loc = ("recipes", r_index, "actions", a_index, action.kind)
            if action.kind == "lever_note" and action.body.secret:
                found.append(
                    ((*loc, "secret"), recipe.name, f"action '{action.id}' writes secret Lever notes")
                )
    return found


def sensitive_category(path: str) -> str | None:
    plain = path.replace("[]", "").lower()
    if any(plain == c or plain.startswith(c + ".") for c in CONTACT):
        return "personal contact data"
    if "eeo" in plain:
        return "EEO data"
    if "secret" in plain or plain.endswith("notes"):
        return "secret notes"
    if any(plain == s or plain.startswith(s + ".") for s in SENSITIVE_FIELDS) or any(
        word in plain.rsplit(".", 1)[-1] for word in COMPENSATION_WORDS
    ):
        return "compensation"
    return None
