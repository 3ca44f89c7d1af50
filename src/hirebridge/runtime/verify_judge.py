"""Judge a config's references against what Lever and Jira hold (read beforehand): pure, no I/O.

Every problem says what is missing, where the site has something close, and what would be valid.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hirebridge.domain.offer_stage import OfferStage
from hirebridge.runtime.verify_refs import Reference


@dataclass
class LeverCatalog:
    stages: list[str] = field(default_factory=list)
    archive_reasons: list[str] = field(default_factory=list)
    user_emails: list[str] = field(default_factory=list)
    offer_stage: OfferStage | None = None


@dataclass
class JiraCatalog:
    projects: dict[str, str] = field(default_factory=dict)  # key → name
    # project key → issue type name → hierarchy level (1 epic, 0 standard, -1 sub-task)
    issue_types: dict[str, dict[str, int]] = field(default_factory=dict)
    # (project, issue type) → create-screen fields by lower-cased name and id → {name, allowed}
    create_fields: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)
    field_names: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    statuses: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (project, type) → names
    accounts: dict[str, bool] = field(default_factory=dict)  # lower-cased email or accountId → found
    # lower-cased email Jira could not find → users its search finds by the email's name part
    user_hints: dict[str, list[str]] = field(default_factory=dict)
    desks: dict[str, dict[str, str]] = field(default_factory=dict)  # lower key or name → {key, name, id}
    request_types: dict[str, list[str]] = field(default_factory=dict)  # desk key → names
    # (desk key, lower request type) → fields by lower-cased name → {name, required, allowed}
    request_fields: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)


def closest(value: str, choices: Iterable[str], *, what: str = "") -> str:
    """`did you mean 'A' or 'B'?`, or the full list when nothing is close."""
    options = list(dict.fromkeys(choices))
    by_fold = {c.casefold(): c for c in options}
    close = difflib.get_close_matches(value.casefold(), list(by_fold), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(repr(by_fold[c]) for c in close) + "?"
    listing = ", ".join(repr(c) for c in options[:25]) + (", …" if len(options) > 25 else "")
    return f"{what or 'valid'}: {listing}" if options else "there are none"


def _has(value: str, choices: Iterable[str]) -> bool:
    return value.casefold() in {c.casefold() for c in choices}


def _via(ref: Reference) -> str:
    return f" (from {ref.via})" if ref.via else ""


def judge_lever(ref: Reference, catalog: LeverCatalog) -> str | None:
    if ref.kind == "stage" and not _has(ref.value, catalog.stages):
        return f"Lever has no stage '{ref.value}'; {closest(ref.value, catalog.stages, what='stages')}"
    if ref.kind == "archive_reason" and not _has(ref.value, catalog.archive_reasons):
        reasons = catalog.archive_reasons
        return f"Lever has no archive reason '{ref.value}'; {closest(ref.value, reasons, what='reasons')}"
    if ref.kind == "lever_user" and not _has(ref.value, catalog.user_emails):
        users = catalog.user_emails
        return f"no Lever user with the email '{ref.value}'; {closest(ref.value, users, what='users')}"
    return None


def _project_key(ref: Reference, catalog: JiraCatalog) -> str | None:
    """The project a reference is scoped to: a project key, or a desk's project."""
    if ref.kind == "project":
        return next((key for key in catalog.projects if key.casefold() == ref.value.casefold()), None)
    if ref.project is None:
        return None
    if ref.kind in ("request_type", "request_field") or (ref.issue_type is None and ref.kind == "status"):
        desk = catalog.desks.get(ref.project.casefold())
        if desk is not None:
            return desk["key"]
    return next((key for key in catalog.projects if key.casefold() == ref.project.casefold()), None)


def judge_jira(ref: Reference, catalog: JiraCatalog) -> str | None:
    value, via = ref.value, _via(ref)
    project = _project_key(ref, catalog)
    if ref.kind == "project" and project is None:
        choices = list(catalog.projects) + list(catalog.projects.values())
        return f"Jira has no project '{value}'{via}; {closest(value, choices, what='projects')}"
    if ref.kind == "issue_type" and project is not None:
        types = catalog.issue_types.get(project, {})
        if not _has(value, types):
            return f"project {project} has no issue type '{value}'; {closest(value, types, what='its types')}"
    if ref.kind == "hierarchy" and project is not None:
        return _judge_hierarchy(ref, catalog, project)
    if ref.kind == "field" and project is not None and ref.issue_type is not None:
        return _judge_field(ref, catalog, project)
    if ref.kind == "status" and project is not None:
        return _judge_status(ref, catalog, project)
    if ref.kind == "priority" and catalog.priorities and not _has(value, catalog.priorities):
        return f"Jira has no priority '{value}'{via}; {closest(value, catalog.priorities, what='priorities')}"
    if ref.kind == "assignee" and not catalog.accounts.get(value.casefold(), True):
        return _unresolved_user(ref, catalog, via)
    if ref.kind == "service_desk" and value.casefold() not in catalog.desks:
        names = [d["key"] for d in catalog.desks.values()] + [d["name"] for d in catalog.desks.values()]
        return f"Jira has no service desk '{value}'; {closest(value, names, what='desks')}"
    if ref.kind in ("request_type", "request_field") and project is not None:
        return _judge_request(ref, catalog, project)
    return None


def _unresolved_user(ref: Reference, catalog: JiraCatalog, via: str) -> str:
    if "@" not in ref.value:
        return (
            f"Jira has no user with the accountId '{ref.value}'{via}; the issue would be created unassigned"
        )
    name = ref.connection.removeprefix("jira:")
    hints = catalog.user_hints.get(ref.value.casefold()) or []
    maybe = f" (Jira's user search finds {', '.join(hints)})" if hints else ""
    return (
        f"Jira finds no user with the email '{ref.value}'{via}: a user whose Jira profile hides their "
        f"email cannot be found by it; write their accountId instead, or map the email to it under "
        f"jira.{name}.users{maybe}; until then the issue would be created unassigned"
    )


def _judge_field(ref: Reference, catalog: JiraCatalog, project: str) -> str | None:
    wanted = (ref.issue_type or "").casefold()
    issue_type = next((t for t in catalog.issue_types.get(project, {}) if t.casefold() == wanted), None)
    if issue_type is None:
        return None  # the issue type is reported already
    screen = catalog.create_fields.get((project, issue_type), {})
    meta = screen.get(ref.value.casefold())
    if meta is None:
        if not _has(ref.value, catalog.field_names):
            hint = closest(ref.value, catalog.field_names, what="fields")
            return f"Jira has no field named '{ref.value}'; {hint}"
        names = sorted({m["name"] for m in screen.values()})
        return (
            f"field '{ref.value}' is not on the create screen of {project} {issue_type}; "
            f"{closest(ref.value, names, what='fields there')}"
        )
    allowed = meta.get("allowed")
    if ref.field_value and allowed and not _has(ref.field_value, allowed):
        return (
            f"'{ref.field_value}'{_via(ref)} is not an option of field '{meta['name']}'; "
            f"{closest(ref.field_value, allowed, what='options')}"
        )
    return None


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _judge_hierarchy(ref: Reference, catalog: JiraCatalog, project: str) -> str | None:
    levels = {name.casefold(): level for name, level in catalog.issue_types.get(project, {}).items()}
    child, parent = levels.get(ref.value.casefold()), levels.get((ref.issue_type or "").casefold())
    if child is None or parent is None or parent == child + 1:
        return None
    return (
        f"{_a(ref.value)} cannot be created under {_a(ref.issue_type or '')} in {project}: Jira puts "
        "sub-tasks under standard issues and standard issues under epics; change the type or the parent"
    )


def _judge_status(ref: Reference, catalog: JiraCatalog, project: str) -> str | None:
    types = catalog.issue_types.get(project, {})
    if ref.issue_type is not None:
        types = {t: level for t, level in types.items() if t.casefold() == ref.issue_type.casefold()}
    for issue_type in types:
        statuses = catalog.statuses.get((project, issue_type), [])
        if statuses and not _has(ref.value, statuses):
            return (
                f"the workflow of {project} {issue_type} has no status '{ref.value}'{_via(ref)}, so no "
                f"transition can reach it; {closest(ref.value, statuses, what='its statuses')}"
            )
    return None


def _judge_request(ref: Reference, catalog: JiraCatalog, desk: str) -> str | None:
    assert ref.request_type is not None
    types = catalog.request_types.get(desk, [])
    if not _has(ref.request_type, types):
        if ref.kind == "request_type":
            hint = closest(ref.value, types, what="its request types")
            return f"service desk {desk} has no request type '{ref.value}'; {hint}"
        return None
    fields = catalog.request_fields.get((desk, ref.request_type.casefold()), {})
    if ref.kind == "request_type":
        # summary and description are always sent; other required fields must come from the action.
        given = {name.casefold() for name in ref.given}
        missing = sorted(
            {
                m["name"]
                for m in fields.values()
                if m.get("required")
                and m["id"] not in ("summary", "description")
                and m["name"].casefold() not in given
            }
        )
        if missing:
            return (
                f"request type '{ref.value}' of {desk} requires "
                + ", ".join(repr(m) for m in missing)
                + ", which the action's fields do not set"
            )
        return None
    meta = fields.get(ref.value.casefold())
    if meta is None:
        names = sorted({m["name"] for m in fields.values()})
        return (
            f"request type '{ref.request_type}' of {desk} has no field '{ref.value}'; "
            f"{closest(ref.value, names, what='its fields')}"
        )
    allowed = meta.get("allowed")
    if ref.field_value and allowed and not _has(ref.field_value, allowed):
        return (
            f"'{ref.field_value}'{_via(ref)} is not an option of field '{meta['name']}'; "
            f"{closest(ref.field_value, allowed, what='options')}"
        )
    return None
