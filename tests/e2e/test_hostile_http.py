"""Hostile requests over real HTTP to the running service: each is answered 4xx, none costs more than
a line of log, and the service goes on working (the bulk of the fuzzing runs in-process:
tests/integration/test_hostile_input.py)."""

from __future__ import annotations

import json
import uuid

import httpx2
import psycopg
from e2e_support import Service
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hirebridge.domain.signature import hub_signature, lever_signature


def lever_token(service: Service) -> str:
    with psycopg.connect(service.database_url) as conn:
        row = conn.execute(
            "SELECT signature_token FROM lever_webhooks WHERE event = 'candidateStageChange'"
        ).fetchone()
    assert row is not None
    return str(row[0])


def jira_secret(service: Service) -> str:
    with psycopg.connect(service.database_url) as conn:
        row = conn.execute("SELECT secret FROM jira_webhooks WHERE connection = 'main'").fetchone()
    assert row is not None
    return str(row[0])


def log_lines(service: Service) -> int:
    return len(service.process.output().splitlines())


def test_hostile_requests_cost_a_line_of_log_at_most(service: Service) -> None:
    token, secret = lever_token(service), jira_secret(service)

    def signed_lever(opportunity: object) -> bytes:
        nonce, at = uuid.uuid4().hex, 1_763_800_000_000
        body = {"event": "candidateStageChange", "triggeredAt": at, "token": nonce}
        body["data"] = {"opportunityId": opportunity}
        return json.dumps({**body, "signature": lever_signature(token, nonce, at)}).encode()

    jira_nul = json.dumps({"webhookEvent": "jira:issue_updated", "issue": {"id": "1\u00000"}}).encode()
    requests: list[tuple[str, str, bytes, dict[str, str]]] = [
        ("POST", "/webhooks/lever/main", b"[" * 1000, {}),
        ("POST", "/webhooks/lever/main", b'{"a":' * 5000, {}),
        ("POST", "/webhooks/lever/main", signed_lever("x" * 200_000), {}),
        ("POST", "/webhooks/lever/main", signed_lever("a\u0000b"), {}),
        ("POST", "/webhooks/lever/main", signed_lever(["not", "an", "id"]), {}),
        ("POST", "/webhooks/lever/main", b" " * (3 * 1024 * 1024), {}),
        ("POST", "/webhooks/jira/main", jira_nul, {"X-Hub-Signature": hub_signature(secret, jira_nul)}),
        (
            "POST",
            "/webhooks/jira/main",
            b"[" * 100_000,
            {"X-Hub-Signature": hub_signature(secret, b"[" * 100_000)},
        ),
        ("POST", "/webhooks/jira/main", b"{}", {}),
        ("GET", "/connections/lever/anything/callback?code=x&state=y", b"", {}),
        ("GET", "/connections/lever/main/callback?error=" + "x" * 5000, b"", {}),
        ("GET", "/review/packets/" + "x" * 3000, b"", {}),
        ("POST", "/review/packets/%00/decline", b"reason=" + b"y" * 10_000, {}),
    ]
    before = log_lines(service)
    with httpx2.Client(base_url=service.url, timeout=30) as http:
        for method, path, body, headers in requests:
            answer = http.request(method, path, content=body or None, headers=headers)
            assert 400 <= answer.status_code < 500, (path[:80], answer.status_code, answer.text[:200])
        fuzzed = fuzz_over_http(http)
    assert log_lines(service) - before <= len(requests) + fuzzed
    assert httpx2.get(f"{service.url}/readyz", timeout=5).status_code == 200


def fuzz_over_http(http: httpx2.Client) -> int:
    """A hundred generated bodies per webhook endpoint; returns how many requests were sent."""
    sent = 0

    @settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        body=st.binary(max_size=200) | st.integers(1, 3000).map(lambda n: b"[" * n),
        kind=st.sampled_from(["lever", "jira"]),
    )
    def send(body: bytes, kind: str) -> None:
        nonlocal sent
        sent += 1
        answer = http.post(f"/webhooks/{kind}/main", content=body, headers={"X-Hub-Signature": "sha256=00"})
        assert 400 <= answer.status_code < 500, (answer.status_code, body[:100])

    send()
    return sent
