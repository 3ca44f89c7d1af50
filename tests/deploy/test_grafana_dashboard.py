"""The Grafana dashboard is valid JSON, and every query names only metrics the service exports."""

from __future__ import annotations

import json

from deploy_support import DEPLOY, exported, named_in

DASHBOARD = DEPLOY / "grafana" / "hirebridge.json"


def test_every_query_names_an_exported_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert len(queries) >= 10
    names = exported()
    for expr in queries:
        found = named_in(expr)
        assert found, f"a query names no hirebridge metric: {expr}"
        assert found <= names, f"{expr} names metrics the service does not export: {sorted(found - names)}"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    shown = {name for expr in queries for name in named_in(expr)}
    alerting = {
        "hirebridge_effects_parked",
        "hirebridge_oauth_grant_refused",
        "hirebridge_queue_jobs",
        "hirebridge_lever_budget_throttled_total",
        "hirebridge_lever_budget_wait_seconds_bucket",
    }
    assert alerting | {"hirebridge_oldest_unsynced_change_age_seconds", "hirebridge_packets_waiting"} <= shown
