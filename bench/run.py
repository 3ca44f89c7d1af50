"""`make bench`: every figure with its reference, in one run on this machine; a table, JSON and a chart.

Sizes can be lowered for a quick look (`python -m bench.run --quick`); the committed results are
from a full run. Results are written after each scenario, so a failed run keeps what it measured."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import budget, job_fetch, p1_ingest, p2_convergence, p4_p5
from bench import console as console_pages
from bench.report import print_table, verdicts, write
from bench.stack import Stack

RESULTS = Path(__file__).parent / "results"
# P3 is P2's season with every webhook delivered ten times (80,000 deliveries): the Lever simulator's
# delivery rate sets much of its duration (about 50 s); it is compared per candidate.
FULL = {"p1_seconds": 15.0, "candidates": 2000, "storm_candidates": 2000, "jira_rps": 50.0,
        "p4_candidates": 800, "p5_candidates": 500, "backlogs": [1000, 10000, 100000],
        "fetches": 500, "account": 5000, "moved": 1000, "idle_account": 2000, "idle_at_offer": 500,
        "idle_seconds": 600, "crowd_account": 5000, "console_subjects": 100000}  # fmt: skip
QUICK = {"p1_seconds": 3.0, "candidates": 100, "storm_candidates": 50, "jira_rps": 50.0,
         "p4_candidates": 60, "p5_candidates": 50, "backlogs": [1000, 10000], "fetches": 100,
         "account": 300, "moved": 60, "idle_account": 400, "idle_at_offer": 100, "idle_seconds": 60,
         "crowd_account": 300, "console_subjects": 10000}  # fmt: skip
# Lever's real limit makes P7–P10 long at full size (about 30 minutes together); `--scale` runs them
# smaller (e.g. 0.2: 1,000 opportunities) and says so in the results.
SCALED = ("account", "moved", "idle_account", "idle_at_offer", "crowd_account")


def _calls_per_candidate(run: dict[str, Any]) -> float:
    return (run["jira_calls"] + run["lever_calls_by_hirebridge"]) / run["candidates"]


def run_all(sizes: dict[str, Any], only: set[str], out: Path) -> dict[str, Any]:
    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="hirebridge-bench-"))
    stack = Stack(work)
    results: dict[str, Any] = {
        "sizes": sizes,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }

    def save() -> None:
        results["seconds"] = round(time.monotonic() - began, 1)
        write(results, verdicts(results), out)

    try:
        if "p1" in only:
            results["p1"], _ = p1_ingest.run(stack, sizes["p1_seconds"])
            save()
        if "p2" in only:
            rps = sizes["jira_rps"]
            results["p2"] = p2_convergence.run(stack, count=sizes["candidates"], jira_rps=rps, storm=False)
            save()
            results["p3"] = p2_convergence.run(
                stack, count=sizes["storm_candidates"], jira_rps=rps, storm=True
            )
            before, after = _calls_per_candidate(results["p2"]), _calls_per_candidate(results["p3"])
            results["p3_extra_calls_pct"] = round((after - before) / before * 100, 2)
            save()
        if "p4" in only:
            results["p4"] = p4_p5.scale_out(stack, count=sizes["p4_candidates"])
            save()
        if "p5" in only:
            results["p5"] = p4_p5.latency(stack, count=sizes["p5_candidates"])
            save()
        if "p7" in only:
            results |= budget.first_start_and_outage(stack, count=sizes["account"], moved=sizes["moved"])
            save()
        if "p9" in only:
            results["p9"] = budget.idle(
                stack,
                count=sizes["idle_account"],
                at_offer=sizes["idle_at_offer"],
                seconds=sizes["idle_seconds"],
            )
            save()
        if "p10" in only:
            results["p10"] = budget.crowd(stack, count=sizes["crowd_account"])
            save()
        if "queue" in only:
            results["queue"] = job_fetch.run(stack.admin_uri, sizes["backlogs"], sizes["fetches"])
            save()
        if "console" in only:
            results["console"] = console_pages.run(stack.admin_uri, sizes["console_subjects"])
            save()
    finally:
        stack.close()
        shutil.rmtree(work, ignore_errors=True)
    save()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Small sizes: a smoke run of a minute.")
    parser.add_argument(
        "--only",
        default="p1,p2,p4,p5,p7,p9,p10,queue,console",
        help="Comma-separated: p1, p2 (with P3, P6), p4, p5, p7 (with P8), p9, p10, queue (job fetch vs "
        "backlog), console (search and timeline with 100,000 subjects).",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="Size factor for P7–P10 (e.g. 0.2).")
    parser.add_argument("--idle-seconds", type=float, default=None, help="P9's idle window (default 600).")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Folder for latest.json and latest.png.")
    args = parser.parse_args()
    sizes = dict(QUICK if args.quick else FULL)
    for name in SCALED:
        sizes[name] = max(10, int(sizes[name] * args.scale))
    if args.idle_seconds is not None:
        sizes["idle_seconds"] = args.idle_seconds
    results = run_all(sizes, set(args.only.split(",")), args.out)
    print_table(verdicts(results))
    print(f"results: {args.out / 'latest.json'} and latest.png, {results['seconds']} s")


if __name__ == "__main__":
    main()
