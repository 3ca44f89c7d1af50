"""Jira Cloud platform REST v3: the calls hirebridge makes, nothing more.

https://developer.atlassian.com/cloud/jira/platform/rest/v3/ — Basic auth with email + API token.
Search is `search/jql` (the old `/search` answers 410 since CHANGE-2046) and is eventually
consistent, so it is used only to find a marker after a safe delay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx2

from hirebridge.config.models import JiraConnection
from hirebridge.connectors.errors import NotFound, Rejected
from hirebridge.connectors.http import ServiceClient
from hirebridge.domain.effects import IssueContent

Json = dict[str, Any]
BULK_LIMIT = 50
PROPERTY_KEY = "hirebridge"  # the issue property each issue hirebridge creates carries


def issue_fields(content: IssueContent, *, marker: str | None = None, parent: str | None = None) -> Json:
    """The fields of an edit, or with `marker` those of a create (project, type, labels with the
    marker, `parent`: the parent's key); the assignee and named fields are looked up by the caller."""
    fields: Json = {"summary": content.summary[:255]}
    if marker is not None:
        fields["project"] = {"key": content.project}
        fields["issuetype"] = {"name": content.issue_type}
        fields["labels"] = [*content.labels, marker]
        if parent:
            fields["parent"] = {"key": parent}
    if content.description is not None:
        fields["description"] = content.description
    if content.priority:
        fields["priority"] = {"name": content.priority}
    if content.due_date:
        fields["duedate"] = content.due_date
    return fields


def issue_properties(marker: str, *, recipe: str, key: str, subject: str) -> list[Json]:
    return [
        {
            "key": PROPERTY_KEY,
            "value": {"marker": marker, "recipe": recipe, "key": key, "subject": subject},
        }
    ]


def request_field_value(meta: Mapping[str, Any], value: Any) -> Any:
    """A request form's field value in the shape its type wants (`requestTypeFields` metadata)."""
    schema = meta.get("jiraSchema") or {}
    if schema.get("type") == "option" or meta.get("validValues"):
        return {"value": value}
    return value


def bulk_failures(body: Mapping[str, Any]) -> dict[int, Rejected]:
    """A bulk create's refused elements by their index (`failedElementNumber`), each with Jira's reason."""
    return {int(e.get("failedElementNumber", -1)): _element_error(e) for e in body.get("errors") or []}


def _element_error(error: Mapping[str, Any]) -> Rejected:
    details = error.get("elementErrors") or {}
    parts = [str(m) for m in details.get("errorMessages") or ()]
    parts += [f"{k}: {v}" for k, v in (details.get("errors") or {}).items()]
    refused = f"Jira refused the issue ({error.get('status', 400)})"
    return Rejected(f"{refused}: " + ("; ".join(parts) or "no reason given"), service="jira", summary=refused)


class JiraClient:
    def __init__(self, config: JiraConnection, *, transport: httpx2.AsyncBaseTransport | None = None) -> None:
        self.base_url = config.base_url.rstrip("/")
        self.http = ServiceClient(
            service="jira",
            base_url=self.base_url,
            auth=(config.email, config.api_token.get_secret_value()),
            requests_per_second=config.requests_per_second,
            transport=transport,
            # Atlassian clients send it on every call; it is required for some and harmless elsewhere.
            headers={"X-Atlassian-Token": "no-check"},
        )
        self._accounts: dict[str, str | None] = {e.strip().lower(): a for e, a in config.users.items()}
        self._fields: dict[str, dict[str, Any]] | None = None
        self._desks: dict[str, Json] | None = None
        self._request_types: dict[str, list[Json]] = {}
        self._request_fields: dict[tuple[str, str], list[Json]] = {}
        # Reconciles start together: without it each would read the same catalog on a cold cache.
        self._reading = asyncio.Lock()

    async def aclose(self) -> None:
        await self.http.aclose()

    def browse_url(self, key: str) -> str:
        return f"{self.base_url}/browse/{key}"

    async def create_issue(self, fields: Json, properties: list[Json]) -> Json:
        response = await self.http.request(
            "POST", "/rest/api/3/issue", json={"fields": fields, "properties": properties}
        )
        return response.json()

    async def create_issues(self, updates: list[Json]) -> Json:
        """Bulk create (≤ 50); the answer lists `issues` created and `errors` by `failedElementNumber`."""
        assert len(updates) <= BULK_LIMIT
        try:
            response = await self.http.request(
                "POST", "/rest/api/3/issue/bulk", json={"issueUpdates": updates}
            )
        except Exception as exc:
            # All elements failed: Jira answers 400 with the same body shape.
            status = getattr(exc, "status", None)
            body = getattr(exc, "body", None)
            if status == 400 and body is not None:
                return body
            raise
        return response.json()

    async def edit_issue(self, key: str, fields: Json) -> None:
        await self.http.request(
            "PUT", f"/rest/api/3/issue/{key}", params={"notifyUsers": "false"}, json={"fields": fields}
        )

    async def transitions(self, key: str) -> list[Json]:
        return (await self.http.request("GET", f"/rest/api/3/issue/{key}/transitions")).json()["transitions"]

    async def status_and_transitions(self, key: str) -> tuple[str, list[Json]]:
        """The issue's status and the transitions it offers, in one call (`expand=transitions`)."""
        body = (
            await self.http.request(
                "GET", f"/rest/api/3/issue/{key}", params={"fields": "status", "expand": "transitions"}
            )
        ).json()
        return str(body["fields"]["status"]["name"]), list(body.get("transitions") or [])

    async def transition(self, key: str, transition_id: str, comment: Json | None) -> None:
        body: Json = {"transition": {"id": transition_id}}
        if comment is not None:
            body["update"] = {"comment": [{"add": {"body": comment}}]}
        # Not idempotent: callers check the current status first, since a global transition (from any
        # status) is still offered once applied and a resend would comment twice.
        await self.http.request("POST", f"/rest/api/3/issue/{key}/transitions", json=body, idempotent=False)

    async def search(self, jql: str, *, fields: list[str], max_results: int = 50) -> list[Json]:
        response = await self.http.request(
            "POST",
            "/rest/api/3/search/jql",
            json={"jql": jql, "fields": fields, "maxResults": max_results},
            idempotent=True,
        )
        return response.json()["issues"]

    async def account_id(self, user: str) -> str | None:
        """The accountId of `user` (an email, or already an accountId), or None; cached for the client's
        life. Cloud finds a user by email only when their profile shows it (`emailAddress` is left out
        otherwise): the connection's `users` map names the others."""
        if "@" not in user:
            return user.strip() or None
        email = user.strip().lower()
        if email in self._accounts:
            return self._accounts[email]
        async with self._reading:
            if email not in self._accounts:
                users = (
                    await self.http.request("GET", "/rest/api/3/user/search", params={"query": email})
                ).json()
                match = next((u for u in users if str(u.get("emailAddress", "")).lower() == email), None)
                self._accounts[email] = match["accountId"] if match else None
        return self._accounts[email]

    async def user_exists(self, account_id: str) -> bool:
        try:
            await self.http.request("GET", "/rest/api/3/user", params={"accountId": account_id})
        except NotFound:
            return False
        return True

    async def find_users(self, query: str) -> list[Json]:
        """Users whose display name (or visible email) starts with `query`, as Jira finds them."""
        return list(
            (await self.http.request("GET", "/rest/api/3/user/search", params={"query": query})).json()
        )

    async def fields(self) -> dict[str, dict[str, Any]]:
        """Jira fields by lower-cased name and by id (`customfield_10050`), read once."""
        if self._fields is not None:
            return self._fields
        async with self._reading:
            if self._fields is None:
                fields: dict[str, dict[str, Any]] = {}
                for entry in (await self.http.request("GET", "/rest/api/3/field")).json():
                    fields[str(entry["id"]).lower()] = entry
                    fields.setdefault(str(entry.get("name", "")).lower(), entry)
                self._fields = fields
        return self._fields

    async def set_remote_link(self, key: str, *, global_id: str, url: str, title: str) -> None:
        """Upsert by `globalId` (201 created / 200 updated), so sending it twice is harmless."""
        await self.http.request(
            "POST",
            f"/rest/api/3/issue/{key}/remotelink",
            json={"globalId": global_id, "object": {"url": url, "title": title}},
            idempotent=True,
        )

    async def add_labels(self, key: str, labels: list[str]) -> None:
        await self.http.request(
            "PUT",
            f"/rest/api/3/issue/{key}",
            params={"notifyUsers": "false"},
            json={"update": {"labels": [{"add": label} for label in labels]}},
        )

    async def comments(self, key: str) -> list[Json]:
        found: list[Json] = []
        while True:
            page = (
                await self.http.request(
                    "GET",
                    f"/rest/api/3/issue/{key}/comment",
                    params={"startAt": len(found), "maxResults": 100},
                )
            ).json()
            found += page.get("comments") or []
            if not page.get("comments") or len(found) >= int(page.get("total", 0)):
                return found

    async def add_comment(self, key: str, body: Json) -> Json:
        return (
            await self.http.request("POST", f"/rest/api/3/issue/{key}/comment", json={"body": body})
        ).json()

    async def service_desk(self, name_or_key: str) -> Json | None:
        if self._desks is None:
            body = (
                await self.http.request("GET", "/rest/servicedeskapi/servicedesk", params={"limit": 100})
            ).json()
            self._desks = {}
            for desk in body.get("values") or []:
                self._desks[str(desk.get("projectKey", "")).lower()] = desk
                self._desks[str(desk.get("projectName", "")).lower()] = desk
        return self._desks.get(name_or_key.lower())

    async def request_types(self, desk_id: str) -> list[Json]:
        if desk_id not in self._request_types:
            body = (
                await self.http.request(
                    "GET", f"/rest/servicedeskapi/servicedesk/{desk_id}/requesttype", params={"limit": 100}
                )
            ).json()
            self._request_types[desk_id] = list(body.get("values") or [])
        return self._request_types[desk_id]

    async def request_type_fields(self, desk_id: str, type_id: str) -> list[Json]:
        if (desk_id, type_id) not in self._request_fields:
            body = (
                await self.http.request(
                    "GET", f"/rest/servicedeskapi/servicedesk/{desk_id}/requesttype/{type_id}/field"
                )
            ).json()
            self._request_fields[(desk_id, type_id)] = list(body.get("requestTypeFields") or [])
        return self._request_fields[(desk_id, type_id)]

    async def create_request(self, desk_id: str, type_id: str, values: Json) -> Json:
        response = await self.http.request(
            "POST",
            "/rest/servicedeskapi/request",
            json={"serviceDeskId": desk_id, "requestTypeId": type_id, "requestFieldValues": values},
        )
        return response.json()

    # Reads for `hirebridge check`: what exists on the site, so a config can be verified before use.

    async def _paged(self, path: str, key: str) -> list[Json]:
        found: list[Json] = []
        while True:
            page = (
                await self.http.request("GET", path, params={"startAt": len(found), "maxResults": 50})
            ).json()
            items = list(page.get(key) or [])
            found += items
            total = page.get("total")
            if not items or page.get("isLast") or (total is not None and len(found) >= int(total)):
                return found

    async def projects(self) -> list[Json]:
        return await self._paged("/rest/api/3/project/search", "values")

    async def create_issue_types(self, project_key: str) -> list[Json]:
        return await self._paged(f"/rest/api/3/issue/createmeta/{project_key}/issuetypes", "issueTypes")

    async def create_fields(self, project_key: str, type_id: str) -> list[Json]:
        """The fields of the create screen of one issue type in one project, with allowed values."""
        return await self._paged(f"/rest/api/3/issue/createmeta/{project_key}/issuetypes/{type_id}", "fields")

    async def project_statuses(self, project_key: str) -> list[Json]:
        """Per issue type of the project, the statuses of its workflow."""
        return (await self.http.request("GET", f"/rest/api/3/project/{project_key}/statuses")).json()

    async def priorities(self) -> list[Json]:
        return (await self.http.request("GET", "/rest/api/3/priority")).json()

    async def service_desks(self) -> list[Json]:
        await self.service_desk("")
        return list({str(d.get("id")): d for d in (self._desks or {}).values()}.values())

    async def issue(self, key: str, fields: list[str]) -> Json:
        """One issue with these fields; always current (unlike search)."""
        response = await self.http.request(
            "GET", f"/rest/api/3/issue/{key}", params={"fields": ",".join(fields)}
        )
        return response.json()

    async def myself(self) -> Json:
        return (await self.http.request("GET", "/rest/api/3/myself")).json()

    # Admin webhooks (`/rest/webhooks/1.0/webhook`; need Jira admin rights) -------------------------

    async def webhooks(self) -> list[Json]:
        return list((await self.http.request("GET", "/rest/webhooks/1.0/webhook")).json())

    async def create_webhook(self, body: Json) -> Json:
        response = await self.http.request("POST", "/rest/webhooks/1.0/webhook", json=body)
        return response.json()

    async def update_webhook(self, webhook_id: str, body: Json) -> Json:
        response = await self.http.request("PUT", f"/rest/webhooks/1.0/webhook/{webhook_id}", json=body)
        return response.json()

    async def delete_webhook(self, webhook_id: str) -> None:
        await self.http.request("DELETE", f"/rest/webhooks/1.0/webhook/{webhook_id}")
