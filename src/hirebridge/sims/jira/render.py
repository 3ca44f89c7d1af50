"""JSON representations of users, projects, statuses and issues, as Jira Cloud returns them."""

from __future__ import annotations

from typing import Any

from hirebridge.sims.jira.adf import rich_output
from hirebridge.sims.jira.site import CATEGORIES, Site
from hirebridge.sims.jira.state import Issue, State

RICH_FIELDS = {"description", "environment"}


def avatars(base: str, kind: str, ident: str) -> dict[str, str]:
    return {f"{n}x{n}": f"{base}/secure/{kind}avatar?size={n}&id={ident}" for n in (16, 24, 32, 48)}


def user(
    site: Site, account_id: str | None, base: str, v: str = "3", viewer: str | None = None
) -> dict[str, Any] | None:
    """`emailAddress` only when the user's profile shows it (or `viewer` is the user)."""
    if account_id is None or account_id not in site.users:
        return None
    u = site.users[account_id]
    email = site.email_shown(account_id, viewer)
    return {
        "self": f"{base}/rest/api/{v}/user?accountId={account_id}",
        "accountId": account_id,
        "accountType": "atlassian",
        **({"emailAddress": email} if email is not None else {}),
        "avatarUrls": avatars(base, "user", account_id),
        "displayName": u["displayName"],
        "active": True,
        "timeZone": u.get("timeZone", "Etc/UTC"),
    }


def category(key: str, base: str, v: str = "3") -> dict[str, Any]:
    cat = CATEGORIES[key]
    return {"self": f"{base}/rest/api/{v}/statuscategory/{cat['id']}", **cat}


def status(st: dict[str, Any], base: str, v: str = "3") -> dict[str, Any]:
    return {
        "self": f"{base}/rest/api/{v}/status/{st['id']}",
        "description": st.get("description", ""),
        "iconUrl": f"{base}/images/icons/statuses/generic.png",
        "name": st["name"],
        "id": st["id"],
        "statusCategory": category(st["category"], base, v),
    }


def issuetype(site: Site, t: dict[str, Any], base: str, v: str = "3") -> dict[str, Any]:
    out = {
        "self": f"{base}/rest/api/{v}/issuetype/{t['id']}",
        "id": t["id"],
        "description": t.get("description", ""),
        "iconUrl": f"{base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/{t['id']}",
        "name": t["name"],
        "subtask": t["hierarchyLevel"] < 0,
        "avatarId": int(t["id"]),
        "hierarchyLevel": t["hierarchyLevel"],
    }
    if t.get("project"):
        proj = site.project(t["project"])
        out["entityId"] = f"00000000-0000-4000-8000-0000000{t['id']}"
        out["scope"] = {"type": "PROJECT", "project": {"id": proj["id"] if proj else t["project"]}}
    return out


def project(site: Site, p: dict[str, Any], base: str, v: str = "3", full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "self": f"{base}/rest/api/{v}/project/{p['id']}",
        "id": p["id"],
        "key": p["key"],
        "name": p["name"],
        "avatarUrls": avatars(base, "project", p["id"]),
        "projectTypeKey": p["projectTypeKey"],
        "simplified": p["style"] == "next-gen",
    }
    if full:
        out["style"] = p["style"]
        out["isPrivate"] = False
        out["description"] = p.get("description", "")
        out["lead"] = user(site, (site.user_by_email(p["lead"]) or {}).get("accountId"), base, v)
        out["issueTypes"] = [issuetype(site, t, base, v) for t in site.project_types(p)]
        out["assigneeType"] = "UNASSIGNED"
    return out


def priority(p: dict[str, Any], base: str, v: str = "3") -> dict[str, Any]:
    return {
        "self": f"{base}/rest/api/{v}/priority/{p['id']}",
        "iconUrl": f"{base}/images/icons/priorities/{p['name'].lower()}.svg",
        "name": p["name"],
        "id": p["id"],
    }


def resolution(site: Site, name: str | None, base: str, v: str = "3") -> dict[str, Any] | None:
    if name is None:
        return None
    r = site.resolution(name)
    return {"self": f"{base}/rest/api/{v}/resolution/{r['id']}", **r}


def custom_value(site: Site, fid: str, value: Any, base: str, v: str) -> Any:
    spec = site.custom_fields[fid]
    if value is None:
        return None
    if spec["type"] == "select":
        opt = next((o for o in spec["options"] if o["id"] == value), None)
        return opt and {"self": f"{base}/rest/api/{v}/customFieldOption/{opt['id']}", **opt}
    if spec["type"] == "textarea":
        return rich_output(value, v)
    return value


def issue_ref(state: State, issue: Issue, base: str, v: str = "3") -> dict[str, Any]:
    site = state.site
    return {
        "id": issue.id,
        "key": issue.key,
        "self": f"{base}/rest/api/{v}/issue/{issue.id}",
        "fields": {
            "summary": issue.fields["summary"],
            "status": status(site.statuses[issue.status_id], base, v),
            "priority": priority(site.priority({"id": issue.fields["priority"]}) or {}, base, v),
            "issuetype": issuetype(site, site.issuetypes[issue.type_id], base, v),
        },
    }
