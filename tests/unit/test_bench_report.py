"""The benchmarks' arithmetic and report (the benchmarks themselves run with `make bench`)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from bench.report import verdicts, write
from bench.stats import latency_summary, percentile, ratio

RESULTS = {
    "p1": {
        "ingest": {"per_second": 3200.0, "latencies": {"p99_ms": 40.0}},
        "reference_asgi_nothing": {"per_second": 6400.0},
        "reference_database_only": {"per_second": 4000.0},
        "ratio_to_asgi": 0.5,
        "ratio_to_database": 0.8,
    },
    "p2": {"candidates": 10, "seconds": 1.05, "bound_seconds": 1.0, "ratio_to_bound": 1.05, "jira_rps": 10,
           "jira_calls_per_epic": 1.0, "duplicates": 0, "missing": 0, "peak_rss_mb": 90.0,
           "jira_calls": 11, "jira_creates": 10, "epics": 10, "lever_calls_by_hirebridge": 30},
    "p3": {"candidates": 10, "seconds": 2.0, "bound_seconds": 1.0, "ratio_to_bound": 2.0, "jira_rps": 10,
           "jira_calls_per_epic": 1.0, "duplicates": 0, "missing": 0, "peak_rss_mb": 210.0,
           "jira_calls": 10, "jira_creates": 10, "epics": 10},
    "p3_extra_calls_pct": 1.5,
    "p4": {"one": {"per_second": 10.0}, "four": {"per_second": 34.0}, "speed_up": 3.4},
    "p5": {"jira_latency_ms": 50, "latencies": {"p50_ms": 60.0, "p90_ms": 70.0, "p99_ms": 900.0}},
    "queue": {
        "with_index": [{"backlog": 1000, "fetch": {"p50_ms": 0.35}},
                       {"backlog": 100000, "fetch": {"p50_ms": 0.4}}],
        "procrastinate_only": [{"backlog": 1000, "fetch": {"p50_ms": 0.4}},
                               {"backlog": 100000, "fetch": {"p50_ms": 2.2}}],
        "with_index_growth_p50": 1.143, "procrastinate_only_growth_p50": 5.5,
    },
}  # fmt: skip


def test_percentiles_are_nearest_rank() -> None:
    values = [0.005, 0.001, 0.003, 0.002, 0.004]
    assert (
        percentile(values, 50) == 0.003 and percentile(values, 99) == 0.005 and percentile(values, 0) == 0.001
    )
    assert math.isnan(percentile([], 50))
    assert latency_summary(values) == {"p50_ms": 3.0, "p90_ms": 5.0, "p99_ms": 5.0, "max_ms": 5.0}
    assert ratio(3, 4) == 0.75 and math.isnan(ratio(1, 0))


def test_each_target_is_judged_against_its_figure() -> None:
    met = {v.figure.split()[0]: v.met for v in verdicts(RESULTS)}
    assert met == {"P1": True, "P2": True, "P3": True, "P4": False, "P5": True, "P6": False, "Q1": True}
    # A fetch that grows with the backlog fails Q1, whatever procrastinate alone does.
    growing = {**RESULTS, "queue": {**RESULTS["queue"], "with_index_growth_p50": 1.6}}
    assert not next(v.met for v in verdicts(growing) if v.figure.startswith("Q1"))
    # A redundant read (the field catalog twice) or a create too many fails P2 even inside the bound.
    for extra in ({"jira_calls": 12}, {"jira_calls": 12, "jira_creates": 11}):
        results = {**RESULTS, "p2": {**RESULTS["p2"], **extra}}
        assert not next(v.met for v in verdicts(results) if v.figure.startswith("P2"))
    # A create the rate limit turned away (429) and that was sent again is shown, not a redundant call.
    refused = {**RESULTS, "p2": {**RESULTS["p2"], "jira_calls": 12, "jira_creates": 11, "jira_refused": 1}}
    row = next(v for v in verdicts(refused) if v.figure.startswith("P2"))
    assert row.met and "1 refused (429) and resent" in row.measured


def test_results_are_written_as_json_and_a_chart(tmp_path: Path) -> None:
    rows = verdicts(RESULTS)
    path = write(RESULTS, rows, tmp_path)
    written = json.loads(path.read_text())
    assert [v["figure"] for v in written["verdicts"]] == [v.figure for v in rows]
    assert (tmp_path / "latest.png").stat().st_size > 1000


def test_the_console_pages_are_judged_as_served() -> None:
    read = {"p50_ms": 2.0, "p90_ms": 3.0, "p99_ms": 6.0, "max_ms": 9.0}
    console = {
        "subjects": 100000,
        **dict.fromkeys(("search_last_name", "search_id_prefix", "search_id", "timeline"), read),
    }
    served = {"search_last_name": {**read, "p99_ms": 40.0}, "timeline": read}
    met = {v.figure.split()[0]: v.met for v in verdicts({"console": {**console, "pages": served}})}
    assert met == {"C1": True, "C2": True}
    slow = {**served, "timeline": {**read, "p99_ms": 120.0}}
    row = next(v for v in verdicts({"console": {**console, "pages": slow}}) if v.figure.startswith("C2"))
    assert not row.met and "timeline 2.0/120.0" in row.measured
    assert [v.figure.split()[0] for v in verdicts({"console": console})] == ["C1"]  # an older run
