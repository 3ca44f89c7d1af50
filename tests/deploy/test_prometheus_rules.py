"""The alerting rules are valid, each alert fires on its condition in promtool's unit tests, and every
metric they name is one the service exports."""

from __future__ import annotations

import subprocess

from deploy_support import DEPLOY, exported, named_in
from ruamel.yaml import YAML

RULES = DEPLOY / "prometheus" / "hirebridge.rules.yml"
RULE_TESTS = DEPLOY / "prometheus" / "hirebridge.rules.test.yml"


def test_promtool_checks_and_tests_the_rules(promtool: str) -> None:
    for command in (["check", "rules", str(RULES)], ["test", "rules", str(RULE_TESTS)]):
        done = subprocess.run([promtool, *command], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_is_tested_firing_and_names_exported_metrics() -> None:
    rules = [r for group in YAML(typ="safe").load(RULES.read_text())["groups"] for r in group["rules"]]
    cases = [
        c for test in YAML(typ="safe").load(RULE_TESTS.read_text())["tests"] for c in test["alert_rule_test"]
    ]
    firing = {c["alertname"] for c in cases if c["exp_alerts"]}
    quiet = {c["alertname"] for c in cases if not c["exp_alerts"]}
    alerts = {r["alert"] for r in rules}
    assert alerts == firing == quiet  # each alert is seen both quiet and firing
    unknown = {name for r in rules for name in named_in(r["expr"])} - exported()
    assert not unknown, f"rules name metrics the service does not export: {sorted(unknown)}"
    assert all(r["labels"]["severity"] in {"critical", "warning", "info"} for r in rules)
    assert all(r["annotations"]["summary"] for r in rules)
