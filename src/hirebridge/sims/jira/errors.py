"""Jira's error bodies: `{"errorMessages": [...], "errors": {...}}` with the matching status code."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

NOT_FOUND_ISSUE = "Issue does not exist or you do not have permission to see it."
SEARCH_GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."


class JiraError(Exception):
    def __init__(
        self,
        status: int,
        messages: list[str] | None = None,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, messages, errors)
        self.status = status
        self.messages = messages or []
        self.errors = errors or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"errorMessages": self.messages, "errors": self.errors}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def bad_request(messages: list[str] | None = None, **errors: str) -> JiraError:
    return JiraError(400, messages, errors)


def not_found(message: str = NOT_FOUND_ISSUE) -> JiraError:
    return JiraError(404, [message])


def field_errors(errors: dict[str, str]) -> JiraError:
    return JiraError(400, [], errors)
