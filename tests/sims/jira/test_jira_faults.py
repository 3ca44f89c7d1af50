from __future__ import annotations

import threading
import time

TASK = {"fields": {"project": {"key": "ONB"}, "issuetype": {"name": "Task"}, "summary": "t"}}


def test_latency(jira, control):
    control.post("/_sim/faults", json={"latency_ms": 150})
    started = time.monotonic()
    assert jira.get("/rest/api/3/myself").status_code == 200
    assert time.monotonic() - started >= 0.15
    assert control.get("/_sim/faults").json()["latency_ms"] == 150


def test_injected_429(jira, control):
    control.post("/_sim/faults", json={"rate_429": 1.0})
    response = jira.get("/rest/api/3/myself")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.headers["RateLimit-Reason"] == "jira-burst-based"
    assert all(
        h in response.headers for h in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
    )
    log = control.get("/_sim/requests").json()["data"]
    assert log[-1] == {**log[-1], "method": "GET", "path": "/rest/api/3/myself", "status": 429}


def test_injected_5xx(jira, control):
    control.post("/_sim/faults", json={"rate_5xx": 1.0})
    codes = {jira.get("/rest/api/3/myself").status_code for _ in range(8)}
    assert codes <= {500, 503} and codes
    control.post("/_sim/faults", json={"rate_5xx": 0.0})
    assert jira.get("/rest/api/3/myself").status_code == 200


def test_burst_rate_limit_and_clock(jira, control):
    control.post("/_sim/faults", json={"rate_limit_rps": 3})
    codes = [jira.get("/rest/api/3/myself").status_code for _ in range(6)]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
    limited = jira.get("/rest/api/3/myself")
    assert limited.headers["ratelimit-reason"] == "jira-burst-based"
    assert limited.headers["x-ratelimit-limit"] == "3"
    # other endpoints have their own bucket
    assert jira.get("/rest/api/3/field").status_code == 200
    control.post("/_sim/clock", json={"advance_seconds": 2})
    assert jira.get("/rest/api/3/myself").status_code == 200
    control.post("/_sim/faults", json={"rate_limit_rps": None})
    assert all(jira.get("/rest/api/3/myself").status_code == 200 for _ in range(10))


def test_per_issue_write_limit(jira, control):
    key = jira.post("/rest/api/3/issue", json=TASK).json()["key"]
    codes = [jira.put(f"/rest/api/3/issue/{key}/properties/n", json={"n": n}).status_code for n in range(22)]
    assert codes[:20] == [201] + [200] * 19
    assert codes[20] == 429
    refused = jira.put(f"/rest/api/3/issue/{key}/properties/n", json={"n": 0})
    assert refused.headers["ratelimit-reason"] == "jira-per-issue-on-write"
    assert int(refused.headers["retry-after"]) >= 1
    assert jira.get(f"/rest/api/3/issue/{key}").status_code == 200
    control.post("/_sim/clock", json={"advance_seconds": 3})
    assert jira.put(f"/rest/api/3/issue/{key}/properties/n", json={"n": 1}).status_code == 200


def test_stats_count_calls_by_route_template(jira, control):
    control.delete("/_sim/stats")
    for _ in range(3):
        jira.post("/rest/api/3/issue", json=TASK)
    jira.get("/rest/api/3/issue/ONB-1")
    jira.get("/rest/api/3/issue/ONB-2")
    stats = control.get("/_sim/stats").json()
    assert stats["byRoute"]["POST /rest/api/3/issue"] == 3
    assert stats["byRoute"]["GET /rest/api/3/issue/{key}"] == 2
    assert stats["total"] == 5


def test_reset_restores_seed_and_clears_faults(jira, control):
    jira.post("/rest/api/3/issue", json=TASK)
    control.post("/_sim/faults", json={"latency_ms": 5, "search_lag_seconds": 3})
    assert len(control.get("/_sim/state").json()["issues"]) == 1
    control.post("/_sim/reset")
    assert control.get("/_sim/state").json()["issues"] == []
    assert control.get("/_sim/faults").json()["latency_ms"] == 0
    assert control.post("/_sim/faults", json={"nonsense": 1}).status_code == 400


def test_seed_replaces_site(jira, control):
    seed = control.get("/_sim/seed").json()
    seed["issues"] = [{"project": "HC", "summary": "Seeded req", "status": "On Hold", "labels": ["seeded"]}]
    assert control.post("/_sim/seed", json=seed).status_code == 200
    state = control.get("/_sim/state").json()
    assert [(i["key"], i["status"], i["labels"]) for i in state["issues"]] == [
        ("HC-1", "On Hold", ["seeded"])
    ]
    found = jira.get("/rest/api/3/search/jql", params={"jql": "labels = seeded", "fields": "status"}).json()
    assert found["issues"][0]["fields"]["status"]["name"] == "On Hold"
    control.post("/_sim/seed", json={k: v for k, v in seed.items() if k != "issues"})


def test_latency_after_write_holds_the_answer_of_an_applied_write(jira, control):
    control.post("/_sim/faults", json={"latency_after_write_ms": 800})
    answer: dict[str, int] = {}
    writer = threading.Thread(
        target=lambda: answer.update(status=jira.post("/rest/api/3/issue", json=TASK).status_code)
    )
    started = time.monotonic()
    writer.start()
    while control.get("/_sim/stats").json()["writesInFlight"] == 0:
        assert time.monotonic() - started < 0.7, "the write was never held"
        time.sleep(0.02)
    # Already applied while the client still waits for its answer.
    assert [i["summary"] for i in control.get("/_sim/state").json()["issues"]] == ["t"]
    writer.join()
    assert answer == {"status": 201} and time.monotonic() - started >= 0.8
    assert control.get("/_sim/stats").json()["writesInFlight"] == 0
    # Reads and searches are not held.
    started = time.monotonic()
    jira.post("/rest/api/3/search/jql", json={"jql": "project = ONB"})
    assert time.monotonic() - started < 0.5


def test_site_wide_rate_limit_shares_one_bucket(jira, control):
    control.post("/_sim/faults", json={"rate_limit_rps": 3, "rate_limit_scope": "site"})
    codes = [jira.get("/rest/api/3/myself").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert jira.get("/rest/api/3/field").status_code == 429  # another route, the same bucket
    control.post("/_sim/faults", json={"rate_limit_rps": None, "rate_limit_scope": "route"})
