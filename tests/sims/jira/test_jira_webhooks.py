from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from jira_helpers import adf, wait_for

SECRET = "whsec-test"
TASK = {
    "fields": {
        "project": {"key": "ONB"},
        "issuetype": {"name": "Task"},
        "summary": "hooked",
        "labels": ["hb"],
    }
}


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.codes: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "raw": raw, "body": json.loads(raw)})
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def events(self) -> list[str]:
        return [r["body"]["webhookEvent"] for r in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    thread = threading.Thread(target=r.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield r
    r.httpd.shutdown()
    thread.join(timeout=5)


def register(jira, receiver, **extra):
    body = {
        "name": "hirebridge",
        "url": receiver.url,
        "events": ["jira:issue_created", "jira:issue_updated", "comment_created", "comment_updated"],
        **extra,
    }
    response = jira.post("/rest/webhooks/1.0/webhook", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_registration_crud(jira, receiver):
    hook = register(jira, receiver, secret=SECRET)
    assert hook["self"].endswith(f"/rest/webhooks/1.0/webhook/{hook['id']}") and "secret" not in hook
    assert [h["id"] for h in jira.get("/rest/webhooks/1.0/webhook").json()] == [hook["id"]]
    assert jira.delete(f"/rest/webhooks/1.0/webhook/{hook['id']}").status_code == 204
    assert jira.get("/rest/webhooks/1.0/webhook").json() == []
    assert (
        jira.post(
            "/rest/webhooks/1.0/webhook", json={"url": "ftp://x", "events": ["jira:issue_created"]}
        ).status_code
        == 400
    )


def test_delivery_shapes_and_signature(jira, receiver):
    register(jira, receiver, secret=SECRET)
    key = jira.post("/rest/api/3/issue", json=TASK).json()["key"]
    jira.post(f"/rest/api/3/issue/{key}/transitions", json={"transition": {"id": "11"}})
    jira.post(f"/rest/api/3/issue/{key}/comment", json={"body": adf("Strong hire")})
    wait_for(lambda: len(receiver.received) >= 4)
    assert receiver.events() == [
        "jira:issue_created",
        "jira:issue_updated",
        "comment_created",
        "jira:issue_updated",
    ]
    for r in receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), r["raw"], hashlib.sha256).hexdigest()
        assert hmac.compare_digest(r["headers"]["X-Hub-Signature"], expected)
        assert r["headers"]["X-Atlassian-Webhook-Identifier"]
        assert "X-Atlassian-Webhook-Retry" not in r["headers"]
    created, moved, commented, _ = (r["body"] for r in receiver.received)
    assert created["issue"]["key"] == key and created["issue_event_type_name"] == "issue_created"
    assert created["user"]["emailAddress"] == "admin@example.com" and isinstance(created["timestamp"], int)
    assert moved["changelog"]["items"][0] == {
        **moved["changelog"]["items"][0],
        "field": "status",
        "fromString": "To Do",
        "toString": "In Progress",
    }
    assert (
        commented["comment"]["body"] == "Strong hire" and commented["issue"]["fields"]["summary"] == "hooked"
    )
    log = jira.get("/_sim/deliveries").json()
    assert log["pending"] == 0 and {d["status"] for d in log["data"]} == {"delivered"}


def test_unsigned_without_secret_and_filters(jira, receiver):
    register(jira, receiver, filters={"issue-related-events-section": "project = HC"})
    jira.post("/rest/api/3/issue", json=TASK)
    hc = {"fields": {**TASK["fields"], "project": {"key": "HC"}}}
    key = jira.post("/rest/api/3/issue", json=hc).json()["key"]
    wait_for(lambda: receiver.received)
    assert [r["body"]["issue"]["key"] for r in receiver.received] == [key]
    assert "X-Hub-Signature" not in receiver.received[0]["headers"]


def test_retries_keep_identifier(jira, control, receiver):
    control.post("/_sim/config", json={"webhook_retry_base_seconds": 0.05})
    register(jira, receiver, events=["jira:issue_created"])
    receiver.codes = [500, 429, 200]
    jira.post("/rest/api/3/issue", json=TASK)
    wait_for(lambda: len(receiver.received) == 3)
    ids = {r["headers"]["X-Atlassian-Webhook-Identifier"] for r in receiver.received}
    assert len(ids) == 1
    assert [r["headers"].get("X-Atlassian-Webhook-Retry") for r in receiver.received] == [None, "1", "2"]
    delivery = wait_for(
        lambda: [d for d in control.get("/_sim/deliveries").json()["data"] if d["status"] == "delivered"]
    )[0]
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 429, 200]


def test_no_retry_on_plain_4xx_and_redeliver(jira, control, receiver):
    register(jira, receiver, events=["jira:issue_created"])
    receiver.codes = [400]
    jira.post("/rest/api/3/issue", json=TASK)
    failed = wait_for(
        lambda: [d for d in control.get("/_sim/deliveries").json()["data"] if d["status"] == "failed"]
    )
    again = control.post(f"/_sim/deliveries/{failed[0]['id']}/redeliver")
    assert again.status_code == 202
    wait_for(lambda: len(receiver.received) == 2)
    first, second = receiver.received
    assert first["raw"] == second["raw"]
    assert (
        first["headers"]["X-Atlassian-Webhook-Identifier"]
        == second["headers"]["X-Atlassian-Webhook-Identifier"]
    )


def test_pending_retries_advance_with_the_clock(jira, control, receiver):
    control.post("/_sim/config", json={"webhook_retry_base_seconds": 600})
    register(jira, receiver, events=["jira:issue_created"])
    receiver.codes = [503]
    jira.post("/rest/api/3/issue", json=TASK)
    wait_for(lambda: receiver.received)
    assert control.get("/_sim/deliveries").json()["pending"] == 1
    control.post("/_sim/clock", json={"advance_seconds": 601})
    wait_for(lambda: len(receiver.received) == 2)
    assert wait_for(lambda: control.get("/_sim/deliveries").json()["pending"] == 0)


def test_drop_and_duplicate_faults(jira, control, receiver):
    register(jira, receiver, events=["jira:issue_created"])
    control.post("/_sim/faults", json={"webhook_drop": 1.0})
    jira.post("/rest/api/3/issue", json=TASK)
    assert [d["status"] for d in control.get("/_sim/deliveries").json()["data"]] == ["dropped"]
    control.post("/_sim/faults", json={"webhook_drop": 0.0, "webhook_duplicate": 1.0})
    jira.post("/rest/api/3/issue", json=TASK)
    wait_for(lambda: len(receiver.received) == 2)
    assert len({r["headers"]["X-Atlassian-Webhook-Identifier"] for r in receiver.received}) == 1
