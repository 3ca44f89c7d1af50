"""What each JQL field means for an issue: its values, comparisons and sort order."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.state import Issue, State

ALIASES = {"type": "issuetype", "issuekey": "key", "category": "statuscategory", "text": "summary"}
RELATIVE = re.compile(r"^([-+]?\d+)([mhdw])$")
UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def _values(state: State, fid: str, issue: Issue, actor: str | None) -> list[str]:
    """Every string the issue's field answers to (ids, keys and names, lower-cased)."""
    site = state.site
    f = issue.fields
    if fid == "project":
        p = site.projects.get(issue.project_id)
        return [p["id"], p["key"].lower(), p["name"].lower()] if p else []
    if fid == "issuetype":
        t = site.issuetypes.get(issue.type_id)
        return [t["id"], t["name"].lower()] if t else []
    if fid in ("status", "statuscategory"):
        st = site.statuses.get(issue.status_id)
        if not st:
            return []
        if fid == "status":
            return [st["id"], st["name"].lower()]
        cat = {"new": ("2", "to do"), "indeterminate": ("4", "in progress"), "done": ("3", "done")}[
            st["category"]
        ]
        return [st["category"], *cat]
    if fid == "labels":
        return [label.lower() for label in f.get("labels", [])]
    if fid == "parent":
        parent = state.issues.get(f.get("parent") or "")
        return [parent.id, parent.key.lower()] if parent else []
    if fid in ("key", "id"):
        return [issue.id, issue.key.lower()]
    if fid in ("assignee", "reporter"):
        u = site.users.get(f.get(fid) or "")
        if u is None:
            return []
        email = site.email_shown(u["accountId"])
        return [u["accountId"].lower(), *([email.lower()] if email else []), u["displayName"].lower()]
    if fid == "priority":
        p = site.priority({"id": f.get("priority")})
        return [p["id"], p["name"].lower()] if p else []
    if fid == "resolution":
        return [f["resolution"].lower()] if f.get("resolution") else []
    if fid.startswith("customfield_"):
        spec = site.custom_fields[fid]
        value = f.get(fid)
        if value is None:
            return []
        if spec["type"] == "select":
            opt = next((o for o in spec["options"] if o["id"] == value), None)
            return [opt["id"], opt["value"].lower()] if opt else []
        return [str(value).lower()]
    return []


def _field_id(state: State, name: str) -> str:
    low = ALIASES.get(name.lower(), name.lower())
    known = {
        "project",
        "issuetype",
        "status",
        "statuscategory",
        "labels",
        "parent",
        "key",
        "id",
        "assignee",
        "reporter",
        "priority",
        "resolution",
        "summary",
        "created",
        "updated",
        "duedate",
    }
    if low in known:
        return low
    m = re.match(r"^cf\[(\d+)\]$", low)
    if m and f"customfield_{m.group(1)}" in state.site.custom_fields:
        return f"customfield_{m.group(1)}"
    for fid, spec in state.site.custom_fields.items():
        if spec["name"].lower() == low or fid == low:
            return fid
    raise JiraError(400, [f"Field '{name}' does not exist or you do not have permission to view it."], {})


def _check_value(state: State, fid: str, value: str) -> None:
    low = value.lower()
    site = state.site
    if (
        fid == "project"
        and not site.project(value)
        and low not in {p["name"].lower() for p in site.projects.values()}
    ):
        raise JiraError(400, [f"The value '{value}' does not exist for the field 'project'."], {})
    if fid == "status" and low not in {s["name"].lower() for s in site.statuses.values()} | set(
        site.statuses
    ):
        raise JiraError(400, [f"The value '{value}' does not exist for the field 'status'."], {})
    if fid == "issuetype" and low not in {t["name"].lower() for t in site.issuetypes.values()} | set(
        site.issuetypes
    ):
        raise JiraError(400, [f"The value '{value}' does not exist for the field 'issuetype'."], {})


def _when(value: str, now: float) -> float:
    m = RELATIVE.match(value.strip())
    if m:
        return now + int(m.group(1)) * UNITS[m.group(2)]
    for fmt in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    raise JiraError(400, [f"Date value '{value}' for field is invalid."], {})


def _compare(a: float, op: str, b: float) -> bool:
    return {"=": a == b, "!=": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}.get(op, False)


def clause_matches(
    state: State, name: str, op: str, value: Any, issue: Issue, actor: str | None, strict: bool
) -> bool:
    fid = _field_id(state, name)
    wanted = value if isinstance(value, list) else [value]
    resolved = []
    for v in wanted:
        if isinstance(v, tuple):
            v = actor if v[1] == "currentuser" else None
        resolved.append(v)
        if strict and isinstance(v, str) and op in ("=", "!=", "in", "not in"):
            _check_value(state, fid, v)
    if fid in ("created", "updated", "duedate"):
        if op in ("is", "is not"):
            present = fid != "duedate" or bool(issue.fields.get("duedate"))
            return present == (op == "is not")
        if strict:
            _when(str(resolved[0]), state.now())
        stamp = issue.created if fid == "created" else issue.updated
        if fid == "duedate":
            if not issue.fields.get("duedate"):
                return False
            stamp = _when(issue.fields["duedate"], state.now())
        return _compare(stamp, op, _when(str(resolved[0]), state.now()))
    if fid == "summary":
        text = (issue.fields.get("summary") or "").lower()
        hit = all(word in text for word in str(resolved[0] or "").lower().split())
        return hit if op == "~" else not hit if op == "!~" else text == str(resolved[0]).lower()
    have = set(_values(state, fid, issue, actor))
    if op in ("is", "is not"):
        return (not have) == (op == "is")
    if op in ("=", "in"):
        return any((v is None and not have) or (v is not None and str(v).lower() in have) for v in resolved)
    if op in ("!=", "not in"):
        return bool(have) and not any(v is not None and str(v).lower() in have for v in resolved)
    raise JiraError(400, [f"The operator '{op}' is not supported by the '{name}' field."], {})


def order_key(state: State, name: str, issue: Issue) -> Any:
    fid = _field_id(state, name)
    if fid in ("key", "id"):
        project, _, number = issue.key.rpartition("-")
        return (project, int(number)) if fid == "key" else int(issue.id)
    if fid == "created":
        return issue.created
    if fid == "updated":
        return issue.updated
    if fid == "priority":
        return -int(issue.fields.get("priority") or 0)
    if fid == "summary":
        return (issue.fields.get("summary") or "").lower()
    values = _values(state, fid, issue, None)
    return values[-1] if values else ""
