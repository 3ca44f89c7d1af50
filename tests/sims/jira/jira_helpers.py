"""OpenAPI validation of every simulator exchange, and a server runner for real-HTTP tests."""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
import uvicorn
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import MissingData
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PLACES = [
    Path(os.environ.get("HIREBRIDGE_JIRA_OPENAPI", "/nonexistent")),
    # A copy kept with the tests (Atlassian's published file, gzipped) so a clean checkout has it.
    Path(__file__).with_name("platform-swagger-v3.json.gz"),
]
AUTH = ("admin@example.com", "sim-token")
ADF = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}],
}


def adf(text: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


@functools.cache
def openapi() -> OpenAPI:
    path = next((p for p in SPEC_PLACES if p.exists()), None)
    if path is None:
        pytest.skip("Atlassian's platform OpenAPI file is not available (set HIREBRIDGE_JIRA_OPENAPI)")
    raw = path.read_bytes()
    spec = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
    spec["servers"] = [{"url": "/"}]
    # The published description fails its own meta-schema (an enum without ""), so skip that check.
    config = Config(spec_validator_cls=None, extra_format_validators={"date-time": jira_datetime})
    return OpenAPI.from_dict(spec, config=config)


JIRA_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})$")


def jira_datetime(value: Any) -> bool:
    """RFC 3339, plus the `+0000` offset that Jira Cloud really sends (`2021-01-17T12:34:00.000+0000`)."""
    return not isinstance(value, str) or bool(JIRA_DATETIME.match(value))


class CheckedRequest:
    def __init__(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> None:
        parts = urlsplit(url)
        self.host_url = f"{parts.scheme}://{parts.netloc}"
        self.path = parts.path.replace("/rest/api/2/", "/rest/api/3/", 1)
        self.method = method.lower()
        self.body = body or None
        self.content_type = headers.get("content-type") or headers.get("Content-Type") or "application/json"
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(parts.query)),
            header=Headers(headers),
            cookie=ImmutableMultiDict(),
        )


class CheckedResponse:
    def __init__(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.status_code = status
        self.headers = Headers(headers)
        self.content_type = headers.get("content-type", "application/json") if data else "application/json"
        self.data = data or None


UNDECLARED_OK = {410, 429, 500, 503}


def check_exchange(
    method: str,
    url: str,
    req_headers: dict[str, str],
    req_body: bytes | None,
    status: int,
    resp_headers: dict[str, str],
    resp_body: bytes,
    validate_request: bool = True,
) -> str:
    """Validates request and response against the platform spec; returns what was checked."""
    path = urlsplit(url).path
    if not path.startswith(("/rest/api/3/", "/rest/api/2/")):
        return "not-in-spec"
    api = openapi()
    request = CheckedRequest(method, url, req_headers, req_body)
    if validate_request and 200 <= status < 300:
        api.validate_request(request)
    response = CheckedResponse(status, resp_headers, resp_body)
    try:
        api.validate_response(request, response)
    except MissingData:
        # The spec declares empty 201/204 answers with an unconstrained `{}` JSON schema.
        assert 200 <= status < 300 and not resp_body, f"{method} {path}: missing body for {status}"
        return "validated-empty"
    except ResponseNotFound:
        assert status in UNDECLARED_OK, f"{method} {path} answered {status}, not declared in the spec"
        body = json.loads(resp_body)
        assert set(body) == {"errorMessages", "errors"}, body
        return "undeclared-error"
    return "validated"


class CheckedClient(httpx2.Client):
    """A client whose every exchange under /rest/api/3 is validated against the official OpenAPI file."""

    checked: list[tuple[str, str, int, str]]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.checked = []

    def request(self, method: str, url: Any, **kwargs: Any) -> httpx2.Response:  # type: ignore[override]
        response = super().request(method, url, **kwargs)
        req = response.request
        outcome = check_exchange(
            method,
            str(req.url),
            dict(req.headers),
            req.content,
            response.status_code,
            dict(response.headers),
            response.content,
        )
        self.checked.append((method, req.url.path, response.status_code, outcome))
        return response


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.server.started, "simulator did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def wait_for(predicate: Any, timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")
