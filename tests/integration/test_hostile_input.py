"""Thousands of hostile requests against the service, in-process on a real database: both webhook
endpoints, the packet review page and the OAuth callback. Never a 5xx, nothing stored that was not
signed, and the service is healthy afterwards.

HIREBRIDGE_FUZZ_EXAMPLES sets the number of requests per test (CI default 400: 2,000 in all).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import threading
import uuid
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hirebridge.domain.signature import hub_signature, lever_signature
from hirebridge.runtime.configuration import load_config
from hirebridge.sims.jira import create_app as jira_sim
from hirebridge.sims.lever import create_app as lever_sim
from hirebridge.store.database import ensure_database, with_database
from hirebridge.web.app import create_app

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("HIREBRIDGE_FUZZ_EXAMPLES") or 400)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENV = {
    "LEVER_API_KEY": "sim-lever-key",
    "JIRA_API_TOKEN": "sim-token",
    "HIREBRIDGE_PUBLIC_URL": "https://hb.test",  # Lever takes HTTPS webhook URLs only
    "HIREBRIDGE_JUSTWORKS": "on",
}


class Running:
    """The service's ASGI application on an event loop of its own (hypothesis drives it from the test's
    thread), with the Lever and Jira simulators in-process."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.accepted_lever: set[str] = set()  # dedupe keys of signed events answered 200
        self.accepted_jira: set[str] = set()

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    async def start(self) -> None:
        config = load_config(REPO / "examples" / "demo.yaml", {**os.environ, **ENV})
        transports = {
            "lever:main": httpx2.ASGITransport(app=lever_sim()),
            "jira:main": httpx2.ASGITransport(app=jira_sim()),
        }
        self.app = create_app(
            config, database_url=self.database_url, run_workers=False, transports=transports
        )
        self.lifespan = self.app.app.router.lifespan_context(self.app.app)  # type: ignore[attr-defined]
        await self.lifespan.__aenter__()
        # The review routes look packets up (Justworks on), not only answer "no such link".
        assert self.app.app.state.service.packets is not None  # type: ignore[attr-defined]
        self.http = httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=self.app), base_url="http://hb.test"
        )
        for _ in range(200):
            if (await self.http.get("/readyz")).json().get("webhooks"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("webhooks were not registered")

    async def stop(self) -> None:
        await self.http.aclose()
        await self.lifespan.__aexit__(None, None, None)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx2.Response:
        return self.run(self.http.request(method, url, **kwargs))


@pytest.fixture(scope="module")
def service(pg_admin_uri: str, pg_template: str) -> Iterator[Running]:
    name = f"hb_fuzz_{uuid.uuid4().hex[:12]}"
    ensure_database(pg_admin_uri, name, template=pg_template)
    running = Running(with_database(pg_admin_uri, name))
    saved = {k: os.environ.get(k) for k in ("HIREBRIDGE_SECRET_KEY",)}
    os.environ.pop("HIREBRIDGE_SECRET_KEY", None)  # the default set-up: API keys, no secret key
    try:
        running.run(running.start())
        yield running
        running.run(running.stop())
    finally:
        running.loop.call_soon_threadsafe(running.loop.stop)
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
        with psycopg.connect(pg_admin_uri, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(service: Running, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(service.database_url) as conn:
        return conn.execute(sql).fetchall()


@functools.cache
def signature_token(service: Running) -> str:
    rows = query(service, "SELECT signature_token FROM lever_webhooks WHERE event = 'candidateStageChange'")
    return str(rows[0][0])


@functools.cache
def jira_secret(service: Running) -> str:
    return str(query(service, "SELECT secret FROM jira_webhooks WHERE connection = 'main'")[0][0])


# Values a hostile sender tries: NULs, huge strings, wrong types, deep nesting.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\u0000", "a\u0000b", "../../etc", "%00", "' OR 1=1 --", "\u202e", "🙂" * 3]),
    st.integers(min_value=1, max_value=5).map(lambda n: "x" * (50_000 * n)),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | nasty_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
ids = st.one_of(st.uuids().map(str), nasty_text, st.integers(), st.none())


def deep(depth: int, opener: str) -> bytes:
    """Valid JSON nested `depth` levels deep."""
    if opener == "[":
        return b"[" * depth + b"1" + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.integers(min_value=10, max_value=5000).map(lambda d: b"[" * d),
    st.tuples(st.integers(min_value=10, max_value=3000), st.sampled_from("[{")).map(lambda t: deep(*t)),
    json_values.map(lambda v: json.dumps(v).encode()),
)


@st.composite
def lever_events(draw: st.DrawFn) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "event": draw(st.sampled_from(["candidateStageChange", "candidateArchiveChange"]) | nasty_text),
        "triggeredAt": draw(st.integers(min_value=-(2**70), max_value=2**70) | json_values),
        "token": draw(st.uuids().map(lambda u: u.hex) | nasty_text),
        "data": draw(
            st.fixed_dictionaries(
                {"opportunityId": ids}, optional={"toStageId": nasty_text, "extra": json_values}
            )
            | json_values
        ),
    }
    for key in draw(st.sets(st.sampled_from(list(payload)), max_size=1)):
        del payload[key]
    return payload


@FUZZ
@given(body=raw_bodies)
def test_lever_endpoint_raw_bodies(service: Running, body: bytes) -> None:
    answer = service.request("POST", "/webhooks/lever/main", content=body)
    assert 400 <= answer.status_code < 500, (answer.status_code, body[:200])


@FUZZ
@given(payload=lever_events(), sign=st.sampled_from(["valid", "invalid", "none"]))
def test_lever_endpoint_events(service: Running, payload: dict[str, Any], sign: str) -> None:
    signable = isinstance(payload.get("token"), str) and type(payload.get("triggeredAt")) is int
    if sign == "valid" and signable:
        token = signature_token(service)
        payload["signature"] = lever_signature(token, payload["token"], payload["triggeredAt"])
    elif sign == "invalid":
        payload["signature"] = "0" * 64
    answer = service.request("POST", "/webhooks/lever/main", json=payload)
    assert answer.status_code < 500, (answer.status_code, answer.text)
    if answer.status_code == 200 and answer.json().get("status") in ("accepted", "duplicate"):
        assert sign == "valid"
        service.accepted_lever.add(f"{payload['token']}:{payload['triggeredAt']}")


@FUZZ
@given(
    body=raw_bodies
    | st.fixed_dictionaries(
        {"webhookEvent": nasty_text, "issue": st.fixed_dictionaries({"id": ids, "key": ids}) | json_values},
        optional={"comment": st.fixed_dictionaries({"id": ids, "body": nasty_text}) | json_values},
    ).map(lambda v: json.dumps(v).encode()),
    sign=st.sampled_from(["valid", "invalid", "none"]),
    identifier=st.one_of(st.none(), st.uuids().map(str), nasty_text.filter(lambda t: len(t) < 2000)),
)
def test_jira_endpoint(service: Running, body: bytes, sign: str, identifier: str | None) -> None:
    headers = {}
    if sign == "valid":
        headers["X-Hub-Signature"] = hub_signature(jira_secret(service), body)
    elif sign == "invalid":
        headers["X-Hub-Signature"] = "sha256=" + "0" * 64
    if identifier is not None:
        headers["X-Atlassian-Webhook-Identifier"] = quote(identifier, safe="")[:4000]
    answer = service.request("POST", "/webhooks/jira/main", content=body, headers=headers)
    assert answer.status_code < 500, (answer.status_code, answer.text)
    if answer.status_code == 200 and answer.json().get("status") == "accepted":
        assert sign == "valid"


@FUZZ
@given(
    token=nasty_text.filter(lambda t: len(t) < 3000),
    action=st.sampled_from(["", "/fields", "/send", "/decline"]),
    form=st.binary(max_size=200)
    | st.dictionaries(nasty_text, nasty_text, max_size=3).map(
        lambda d: "&".join(f"{quote(k[:500])}={quote(v[:500])}" for k, v in d.items()).encode()
    ),
    accept=st.sampled_from(["text/html", "application/json", "*/*"]),
)
def test_review_page(service: Running, token: str, action: str, form: bytes, accept: str) -> None:
    path = f"/review/packets/{quote(token, safe='')}{action}"
    method = "GET" if not action else "POST"
    answer = service.request(
        method, path, content=form if method == "POST" else None, headers={"Accept": accept}
    )
    assert answer.status_code < 500, (answer.status_code, answer.text)


@FUZZ
@given(
    connection=st.sampled_from(["main", "other"]) | nasty_text.filter(lambda t: 0 < len(t) < 2000),
    params=st.dictionaries(
        st.sampled_from(["state", "code", "error", "error_description"]), nasty_text, max_size=4
    ),
)
def test_oauth_callback_without_a_secret_key(
    service: Running, connection: str, params: dict[str, str]
) -> None:
    query = "&".join(f"{k}={quote(v[:5000], safe='')}" for k, v in params.items())
    answer = service.request("GET", f"/connections/lever/{quote(connection, safe='')}/callback?{query}")
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])


def test_known_hostile_requests_and_health_afterwards(service: Running) -> None:
    """Requests that once answered 500, then: nothing unsigned was stored and the service still works."""
    token = signature_token(service)

    def signed(data: dict[str, Any]) -> dict[str, Any]:
        nonce, at = uuid.uuid4().hex, 1_763_800_000_000
        body = {"event": "candidateStageChange", "triggeredAt": at, "token": nonce, "data": data}
        return {**body, "signature": lever_signature(token, nonce, at)}

    assert service.request("POST", "/webhooks/lever/main", content=b"[" * 1000).status_code == 400
    oversized = service.request("POST", "/webhooks/lever/main", json=signed({"opportunityId": "x" * 200_000}))
    assert oversized.status_code == 400 and "UUID" in oversized.json()["error"]
    huge = service.request("POST", "/webhooks/lever/main", content=b" " * (3 * 1024 * 1024))
    assert huge.status_code == 413
    form = b"reason=" + b"y" * (3 * 1024 * 1024)
    assert service.request("POST", "/review/packets/abc/decline", content=form).status_code == 413
    body = json.dumps(
        {"webhookEvent": "jira:issue_updated", "issue": {"id": "1\u00000", "key": "HR-1"}}
    ).encode()
    nul = service.request(
        "POST",
        "/webhooks/jira/main",
        content=body,
        headers={"X-Hub-Signature": hub_signature(jira_secret(service), body)},
    )
    assert nul.status_code == 400
    callback = service.request("GET", "/connections/lever/anything/callback?code=x&state=y")
    assert callback.status_code == 400

    stored = {row[0] for row in query(service, "SELECT dedupe_key FROM inbox")}
    assert stored <= service.accepted_lever, "an event was stored that no valid signature covered"
    assert service.request("GET", "/healthz").status_code == 200
    assert service.request("GET", "/readyz").status_code == 200
    good = signed({"opportunityId": str(uuid.uuid4()), "toStageId": "offer"})
    assert service.request("POST", "/webhooks/lever/main", json=good).json() == {"status": "accepted"}
