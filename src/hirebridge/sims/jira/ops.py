"""Writes shared by the platform API and Service Management: changelog, re-indexing and webhooks."""

from __future__ import annotations

from typing import Any

from hirebridge.sims.jira import fields as field_parser
from hirebridge.sims.jira import webhooks, workflow
from hirebridge.sims.jira.adf import rich_input
from hirebridge.sims.jira.errors import JiraError, field_errors
from hirebridge.sims.jira.state import Issue, State


def _resolve_type(state: State, project: dict[str, Any], ref: Any) -> dict[str, Any]:
    if not isinstance(ref, dict) or not (ref.get("id") or ref.get("name")):
        raise field_errors({"issuetype": "Specify an issue type"})
    for t in state.site.project_types(project):
        if str(ref.get("id")) == t["id"] or (not ref.get("id") and ref.get("name") == t["name"]):
            return t
    raise field_errors({"issuetype": "The issue type selected is invalid."})


def create_issue(
    state: State, body: dict[str, Any], v: str, actor: str, base: str
) -> tuple[Issue, dict | None]:
    if not isinstance(body, dict) or not isinstance(body.get("fields", {}), dict):
        raise JiraError(400, ["Can not deserialize instance of the request body."], {})
    fields = dict(body.get("fields") or {})
    update = dict(body.get("update") or {})
    ref = fields.get("project") or {}
    project = (
        state.site.project(str(ref.get("id") or ref.get("key") or "")) if isinstance(ref, dict) else None
    )
    if project is None:
        raise field_errors({"project": "Specify a valid project ID or key"})
    itype = _resolve_type(state, project, fields.get("issuetype"))
    if "summary" not in fields and "summary" not in update:
        raise field_errors({"summary": "You must specify a summary of the issue."})
    if itype["hierarchyLevel"] < 0 and not fields.get("parent"):
        raise field_errors({"parent": "Issue type is a sub-task but parent issue key or id not specified."})
    values = field_parser.parse(state, fields, update, v, project, itype)
    wf = state.site.workflow(project)
    now = state.now()
    state.counters[f"key:{project['key']}"] += 1
    issue = Issue(
        id=state.next_id("issue"),
        key=f"{project['key']}-{state.counters['key:' + project['key']]}",
        project_id=project["id"],
        type_id=itype["id"],
        status_id=state.site.status_by_name(wf["initial"])["id"],
        fields={
            "priority": state.site.default_priority()["id"],
            "labels": [],
            "reporter": actor,
            "creator": actor,
        },
        created=now,
        updated=now,
    )
    issue.fields.update(values)
    issue.fields["statuscategorychangedate"] = now
    for prop in body.get("properties") or []:
        issue.properties[prop["key"]] = prop.get("value")
    state.issues[issue.id] = issue
    state.keys[issue.key] = issue.id
    transition_result = None
    if body.get("transition"):
        try:
            t = workflow.find_transition(state, issue, body["transition"])
            workflow.move(state, issue, t["to"])
            transition_result = {"status": 200, "errorCollection": {"errorMessages": [], "errors": {}}}
        except JiraError as exc:
            transition_result = {"status": exc.status, "errorCollection": exc.body()}
    state.reindex(issue)
    webhooks.emit(state, "jira:issue_created", issue, base, actor, type_name="issue_created")
    return issue, transition_result


def record(
    state: State, issue: Issue, actor: str, items: list[dict[str, Any]], base: str, type_name: str
) -> None:
    issue.updated = state.now()
    changelog = None
    if items:
        changelog = {"id": state.next_id("changelog"), "items": items}
        issue.changelog.append({**changelog, "author": actor, "created": issue.updated})
    state.reindex(issue)
    webhooks.emit(state, "jira:issue_updated", issue, base, actor, changelog=changelog, type_name=type_name)


def _as_string(state: State, fid: str, value: Any) -> str | None:
    if value is None:
        return None
    if fid == "labels":
        return " ".join(value)
    if fid in ("assignee", "reporter"):
        return state.site.users[value]["displayName"]
    if fid == "parent":
        return state.issues[value].key if value in state.issues else value
    if fid == "priority":
        return (state.site.priority({"id": value}) or {}).get("name")
    if isinstance(value, dict):
        from hirebridge.sims.jira.adf import adf_to_text

        return adf_to_text(value)
    return str(value)


def edit_issue(state: State, issue: Issue, body: dict[str, Any], v: str, actor: str, base: str) -> None:
    if not isinstance(body, dict) or not (body.get("fields") or body.get("update") or body.get("properties")):
        raise JiraError(400, ["No fields or update operations were specified."], {})
    state.note_write(issue)
    project = state.site.projects[issue.project_id]
    itype = state.site.issuetypes[issue.type_id]
    update = dict(body.get("update") or {})
    values = field_parser.parse(state, dict(body.get("fields") or {}), update, v, project, itype, issue)
    comments = [
        rich_input((op.get("add") or {}).get("body"), "comment", v) for op in update.get("comment", [])
    ]
    items = []
    for fid, new in values.items():
        old = issue.fields.get(fid)
        if old == new:
            continue
        issue.fields[fid] = new
        items.append(
            {
                "field": state.site.field_names().get(fid, fid) if fid.startswith("customfield_") else fid,
                "fieldtype": "custom" if fid.startswith("customfield_") else "jira",
                "fieldId": fid,
                "from": old if fid in ("assignee", "reporter", "parent", "priority") else None,
                "fromString": _as_string(state, fid, old),
                "to": new if fid in ("assignee", "reporter", "parent", "priority") else None,
                "toString": _as_string(state, fid, new),
            }
        )
    for prop in body.get("properties") or []:
        issue.properties[prop["key"]] = prop.get("value")
    type_name = "issue_assigned" if [i["fieldId"] for i in items] == ["assignee"] else "issue_updated"
    record(state, issue, actor, items, base, type_name)
    for adf in comments:
        if adf is not None:
            add_comment(state, issue, adf, actor, base)


def transition(state: State, issue: Issue, body: dict[str, Any], v: str, actor: str, base: str) -> None:
    if not isinstance(body, dict):
        raise JiraError(400, ["Can not deserialize instance of the request body."], {})
    t = workflow.find_transition(state, issue, body.get("transition"))
    state.note_write(issue)
    update = dict(body.get("update") or {})
    fields = {k: val for k, val in (body.get("fields") or {}).items() if k != "resolution"}
    project = state.site.projects[issue.project_id]
    values = field_parser.parse(
        state,
        fields,
        {k: o for k, o in update.items() if k != "comment"},
        v,
        project,
        state.site.issuetypes[issue.type_id],
        issue,
    )
    comments = [
        rich_input((op.get("add") or {}).get("body"), "comment", v) for op in update.get("comment", [])
    ]
    issue.fields.update(values)
    items = workflow.move(state, issue, t["to"])
    done = state.site.statuses[issue.status_id]["category"] == "done"
    record(state, issue, actor, items, base, "issue_resolved" if done else "issue_generic")
    for adf in comments:
        if adf is not None:
            add_comment(state, issue, adf, actor, base)


def add_comment(
    state: State,
    issue: Issue,
    adf: dict[str, Any],
    actor: str,
    base: str,
    public: bool = True,
    visibility: dict[str, Any] | None = None,
) -> dict[str, Any]:
    now = state.now()
    c = {
        "id": state.next_id("comment"),
        "author": actor,
        "updateAuthor": actor,
        "body": adf,
        "created": now,
        "updated": now,
        "public": public,
        "visibility": visibility,
    }
    issue.comments.append(c)
    issue.updated = now
    state.reindex(issue)
    webhooks.emit(state, "comment_created", issue, base, actor, comment=c, type_name="issue_commented")
    webhooks.emit(state, "jira:issue_updated", issue, base, actor, comment=c, type_name="issue_commented")
    return c


def update_comment(
    state: State, issue: Issue, c: dict[str, Any], adf: dict[str, Any], actor: str, base: str
) -> None:
    c.update(body=adf, updateAuthor=actor, updated=state.now())
    issue.updated = state.now()
    state.reindex(issue)
    webhooks.emit(state, "comment_updated", issue, base, actor, comment=c, type_name="issue_comment_edited")
    webhooks.emit(
        state, "jira:issue_updated", issue, base, actor, comment=c, type_name="issue_comment_edited"
    )
