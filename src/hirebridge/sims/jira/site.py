"""The configuration of one simulated Jira site: people, projects, workflows, fields and desks."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"},
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}

SYSTEM_FIELDS: list[tuple[str, str, str]] = [
    ("summary", "Summary", "string"),
    ("description", "Description", "string"),
    ("environment", "Environment", "string"),
    ("issuetype", "Issue Type", "issuetype"),
    ("project", "Project", "project"),
    ("status", "Status", "status"),
    ("statusCategory", "Status Category", "statusCategory"),
    ("priority", "Priority", "priority"),
    ("assignee", "Assignee", "user"),
    ("reporter", "Reporter", "user"),
    ("creator", "Creator", "user"),
    ("labels", "Labels", "array"),
    ("parent", "Parent", "issuelink"),
    ("subtasks", "Sub-tasks", "array"),
    ("issuelinks", "Linked Issues", "array"),
    ("duedate", "Due date", "date"),
    ("created", "Created", "datetime"),
    ("updated", "Updated", "datetime"),
    ("resolution", "Resolution", "resolution"),
    ("resolutiondate", "Resolved", "datetime"),
    ("statuscategorychangedate", "Status Category Changed", "datetime"),
    ("comment", "Comment", "comments-page"),
]

CUSTOM_TYPES = {
    "date": ("date", "com.atlassian.jira.plugin.system.customfieldtypes:datepicker"),
    "datetime": ("datetime", "com.atlassian.jira.plugin.system.customfieldtypes:datetime"),
    "select": ("option", "com.atlassian.jira.plugin.system.customfieldtypes:select"),
    "url": ("string", "com.atlassian.jira.plugin.system.customfieldtypes:url"),
    "text": ("string", "com.atlassian.jira.plugin.system.customfieldtypes:textfield"),
    "textarea": ("string", "com.atlassian.jira.plugin.system.customfieldtypes:textarea"),
}


def default_seed() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("default_site.json").read_text("utf-8")
    return json.loads(text)


@dataclass
class Site:
    seed: dict[str, Any]
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    issuetypes: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    custom_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    desks: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        s = self.seed
        self.users = {u["accountId"]: u for u in s["users"]}
        self.statuses = {st["id"]: st for st in s["statuses"]}
        self.issuetypes = {t["id"]: t for t in s["issuetypes"]}
        self.projects = {p["id"]: p for p in s["projects"]}
        next_option = 10100
        for f in s["fields"]:
            options = []
            for opt in f.get("options", []):
                options.append(opt if isinstance(opt, dict) else {"id": str(next_option), "value": opt})
                next_option += 1
            self.custom_fields[f["id"]] = {**f, "options": options}
        self.desks = {d["id"]: d for d in s.get("servicedesks", [])}

    @classmethod
    def load(cls, seed: dict[str, Any] | None) -> Site:
        return cls(copy.deepcopy(seed) if seed is not None else default_seed())

    def user_by_email(self, email: str) -> dict[str, Any] | None:
        """Who signs in with this email (Basic auth); not a lookup the REST API offers for everyone."""
        return next((u for u in self.users.values() if u["email"].lower() == email.lower()), None)

    def email_shown(self, account_id: str, viewer: str | None = None) -> str | None:
        """The email as the REST API shows it to `viewer`: hidden unless the user's profile shows it to
        anyone, or the viewer is that user (Atlassian's REST API v3, schema `User`: `emailAddress`
        "Depending on the user's privacy setting, this may be returned as null")."""
        u = self.users[account_id]
        return u["email"] if u.get("emailVisibility", "anyone") == "anyone" or viewer == account_id else None

    def is_admin(self, account_id: str) -> bool:
        return bool(self.users.get(account_id, {}).get("admin"))

    def project(self, ref: str) -> dict[str, Any] | None:
        if ref in self.projects:
            return self.projects[ref]
        return next((p for p in self.projects.values() if p["key"].upper() == str(ref).upper()), None)

    def project_types(self, project: dict[str, Any]) -> list[dict[str, Any]]:
        return [self.issuetypes[t] for t in project["issuetypes"]]

    def status_by_name(self, name: str) -> dict[str, Any]:
        return next(s for s in self.statuses.values() if s["name"] == name)

    def workflow(self, project: dict[str, Any]) -> dict[str, Any]:
        return self.seed["workflows"][project["workflow"]]

    def project_statuses(self, project: dict[str, Any]) -> list[dict[str, Any]]:
        wf = self.workflow(project)
        names = [wf["initial"]] + [t["to"] for t in wf["transitions"]]
        return [self.status_by_name(n) for n in dict.fromkeys(names)]

    def resolution(self, name: str) -> dict[str, Any]:
        return next(r for r in self.seed["resolutions"] if r["name"] == name)

    def priority(self, ref: dict[str, Any]) -> dict[str, Any] | None:
        for p in self.seed["priorities"]:
            if ref.get("id") == p["id"] or ref.get("name") == p["name"]:
                return p
        return None

    def default_priority(self) -> dict[str, Any]:
        prios = self.seed["priorities"]
        return next((p for p in prios if p.get("isDefault")), prios[len(prios) // 2])

    def linktype(self, ref: dict[str, Any]) -> dict[str, Any] | None:
        for t in self.seed["linktypes"]:
            if ref.get("id") == t["id"] or (ref.get("name") or "").lower() == t["name"].lower():
                return t
        return None

    def field_names(self) -> dict[str, str]:
        names = {fid: name for fid, name, _ in SYSTEM_FIELDS}
        names.update({fid: f["name"] for fid, f in self.custom_fields.items()})
        return names

    def desk_by_project(self, project_key: str) -> dict[str, Any] | None:
        return next((d for d in self.desks.values() if d["project"] == project_key), None)

    def request_type(self, rt_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for desk in self.desks.values():
            for rt in desk["requestTypes"]:
                if rt["id"] == str(rt_id):
                    return desk, rt
        return None
