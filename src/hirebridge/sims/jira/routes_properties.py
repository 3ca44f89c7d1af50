"""Issue entity properties."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from hirebridge.sims.jira.errors import JiraError
from hirebridge.sims.jira.http import body, ctx, empty, ok, platform

LINK_FIELDS = ("globalId", "application", "relationship", "object")


async def list_properties(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    return ok(
        {
            "keys": [
                {"key": k, "self": f"{c.base}/rest/api/{c.v}/issue/{issue.id}/properties/{k}"}
                for k in issue.properties
            ]
        }
    )


async def get_property(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    key = request.path_params["prop"]
    if key not in issue.properties:
        raise JiraError(404, [f"The property with key '{key}' does not exist."], {})
    return ok({"key": key, "value": issue.properties[key]})


async def put_property(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    key = request.path_params["prop"]
    value = await body(request)
    if len(key) > 255:
        raise JiraError(400, ["The property key can not be longer than 255 characters."], {})
    if len(json.dumps(value)) > 32768:
        raise JiraError(400, ["The property value can not be longer than 32768 characters."], {})
    c.state.note_write(issue)
    status = 200 if key in issue.properties else 201
    issue.properties[key] = value
    c.state.reindex(issue)
    return empty(status)


async def delete_property(request: Request) -> Response:
    c = ctx(request)
    issue = c.state.issue(request.path_params["key"])
    key = request.path_params["prop"]
    if key not in issue.properties:
        raise JiraError(404, [f"The property with key '{key}' does not exist."], {})
    c.state.note_write(issue)
    del issue.properties[key]
    c.state.reindex(issue)
    return empty()


ROUTES = platform(
    [
        ("/issue/{key}/properties", ["GET"], list_properties),
        ("/issue/{key}/properties/{prop}", ["GET"], get_property),
        ("/issue/{key}/properties/{prop}", ["PUT"], put_property),
        ("/issue/{key}/properties/{prop}", ["DELETE"], delete_property),
    ]
)
