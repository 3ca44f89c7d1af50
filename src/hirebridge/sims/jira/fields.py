"""Turns `fields` and `update` of a create or edit request into stored values, with Jira's field errors."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from hirebridge.sims.jira.adf import rich_input
from hirebridge.sims.jira.errors import JiraError, field_errors
from hirebridge.sims.jira.state import Issue, State

CANNOT_SET = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
SETTABLE = {
    "summary",
    "description",
    "environment",
    "priority",
    "assignee",
    "reporter",
    "labels",
    "parent",
    "duedate",
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FieldError(Exception):
    pass


def _user(state: State, value: Any, fid: str) -> str | None:
    if value is None:
        return None
    ref = value.get("accountId") or value.get("id") if isinstance(value, dict) else value
    # Cloud takes users by accountId only (its privacy migration removed `name` and `key`).
    if ref in state.site.users:
        return str(ref)
    raise FieldError(
        f"User '{ref}' does not exist." if fid != "assignee" else f"User '{ref}' cannot be assigned issues."
    )


def _date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not DATE.match(value):
        raise FieldError(f"Error parsing date string: {value}")
    return value


def _labels(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise FieldError("The labels field must be an array of strings.")
    for label in value:
        if " " in label:
            raise FieldError(f"The label '{label}' contains spaces which is invalid.")
        if len(label) > 255:
            raise FieldError("The label must not be longer than 255 characters.")
    return list(dict.fromkeys(value))


def _parent(
    state: State, value: Any, issue_type: dict[str, Any], project_id: str, own_id: str | None
) -> str | None:
    if value is None or (isinstance(value, dict) and value.get("none")):
        return None
    ref = (value.get("key") or value.get("id")) if isinstance(value, dict) else value
    target_id = ref if ref in state.issues else state.keys.get(str(ref).upper())
    if target_id is None or target_id == own_id:
        raise FieldError("Could not find issue by id or key.")
    target = state.issues[target_id]
    level = state.site.issuetypes[target.type_id]["hierarchyLevel"]
    if level != issue_type["hierarchyLevel"] + 1:
        raise FieldError("Given parent issue does not belong to appropriate hierarchy.")
    if issue_type["hierarchyLevel"] < 0 and target.project_id != project_id:
        raise FieldError("Sub-tasks must be created in the same project as their parent.")
    return target_id


def _custom(state: State, fid: str, value: Any, version: str) -> Any:
    spec = state.site.custom_fields[fid]
    kind = spec["type"]
    if value is None:
        return None
    if kind == "select":
        ref = (
            value
            if isinstance(value, str)
            else value.get("id") or value.get("value")
            if isinstance(value, dict)
            else None
        )
        for opt in spec["options"]:
            if ref in (opt["id"], opt["value"]):
                return opt["id"]
        raise FieldError(f"Option value '{ref}' is not valid")
    if kind == "textarea":
        return rich_input(value, fid, version)
    if kind == "date":
        return _date(value)
    if kind == "datetime":
        try:
            datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise FieldError(f"Error parsing date/time string: {value}") from None
        return value
    if not isinstance(value, str):
        raise FieldError(f"Operation value must be a string for {spec['name']}")
    if kind == "url" and value and not re.match(r"^[a-z][a-z0-9+.-]*://", value):
        raise FieldError(f"Not a valid URL: {value}")
    return value


def parse(
    state: State,
    fields: dict[str, Any],
    update: dict[str, Any],
    version: str,
    project: dict[str, Any],
    issue_type: dict[str, Any],
    issue: Issue | None = None,
) -> dict[str, Any]:
    """Stored values for every field the request sets; raises a 400 listing every bad field."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for fid in set(fields) & set(update):
        errors[fid] = f"Field '{fid}' cannot be set in both fields and update."
    ops: dict[str, list[dict[str, Any]]] = {k: [{"set": val}] for k, val in fields.items()}
    ops.update({k: val for k, val in update.items() if k not in fields and k != "comment"})
    for fid, operations in ops.items():
        if fid in ("project", "issuetype") or fid in errors:
            continue
        try:
            if fid not in SETTABLE and fid not in state.site.custom_fields:
                raise FieldError(CANNOT_SET.format(fid))
            current = issue.fields.get(fid) if issue else None
            for op in operations if isinstance(operations, list) else [operations]:
                current = _apply(state, fid, op, current, version, project, issue_type, issue)
            out[fid] = current
        except FieldError as exc:
            errors[fid] = str(exc)
        except JiraError as exc:
            if not exc.errors:
                raise
            errors.update(exc.errors)
    if errors:
        raise field_errors(errors)
    return out


def _apply(
    state: State,
    fid: str,
    op: dict[str, Any],
    current: Any,
    version: str,
    project: dict[str, Any],
    issue_type: dict[str, Any],
    issue: Issue | None,
) -> Any:
    if not isinstance(op, dict) or len(op) != 1:
        raise FieldError(f"Field '{fid}' has an invalid operation.")
    verb, value = next(iter(op.items()))
    if fid == "labels":
        labels = list(current or [])
        if verb == "set":
            return _labels(value)
        if verb == "add":
            return list(dict.fromkeys([*labels, *_labels([value])]))
        if verb == "remove":
            return [x for x in labels if x != value]
        raise FieldError(f"Operation '{verb}' is not supported for labels.")
    if verb != "set":
        raise FieldError(f"Operation '{verb}' is not supported for field '{fid}'.")
    if fid == "summary":
        if not isinstance(value, str) or not value.strip():
            raise FieldError("You must specify a summary of the issue.")
        if len(value) > 255:
            raise FieldError("Summary must be less than 255 characters.")
        return value
    if fid in ("description", "environment"):
        return rich_input(value, fid, version)
    if fid == "priority":
        prio = state.site.priority(value) if isinstance(value, dict) else None
        if prio is None:
            raise FieldError("The priority selected is invalid.")
        return prio["id"]
    if fid in ("assignee", "reporter"):
        return _user(state, value, fid)
    if fid == "parent":
        return _parent(state, value, issue_type, project["id"], issue.id if issue else None)
    if fid == "duedate":
        return _date(value)
    return _custom(state, fid, value, version)
