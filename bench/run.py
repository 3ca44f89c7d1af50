"""`make bench`: every figure with its reference, in one run on this machine; a table, JSON and a chart.

Sizes can be lowered for a quick look (`python -m bench.run --quick`); the committed results are
from a full run."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import p1_ingest, p2_convergence, p4_p5
from bench.report import print_table, verdicts, write
from bench.stack import Stack

RESULTS = Path(__file__).parent / "results"
FULL = {"p1_seconds": 15.0, "candidates": 2000, "jira_rps": 50.0, "p4_candidates": 400, "p5_candidates": 500}
QUICK = {"p1_seconds": 3.0, "candidates": 100, "jira_rps": 50.0, "p4_candidates": 60, "p5_candidates": 50}


def run_all(sizes: dict[str, Any], only: set[str]) -> dict[str, Any]:
    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="hirebridge-bench-"))
    stack = Stack(work)
    results: dict[str, Any] = {
        "sizes": sizes,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    try:
        if "p1" in only:
            results["p1"], _ = p1_ingest.run(stack, sizes["p1_seconds"])
        if "p2" in only:
            results["p2"] = p2_convergence.run(
                stack, count=sizes["candidates"], jira_rps=sizes["jira_rps"], storm=False
            )
            results["p3"] = p2_convergence.run(
                stack, count=sizes["candidates"], jira_rps=sizes["jira_rps"], storm=True
            )
            before = results["p2"]["jira_calls"] + results["p2"]["lever_calls_by_hirebridge"]
            after = results["p3"]["jira_calls"] + results["p3"]["lever_calls_by_hirebridge"]
            results["p3_extra_calls_pct"] = round((after - before) / before * 100, 2)
        if "p4" in only:
            results["p4"] = p4_p5.scale_out(stack, count=sizes["p4_candidates"])
        if "p5" in only:
            results["p5"] = p4_p5.latency(stack, count=sizes["p5_candidates"])
    finally:
        stack.close()
        shutil.rmtree(work, ignore_errors=True)
    results["seconds"] = round(time.monotonic() - began, 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Small sizes: a smoke run of a minute.")
    parser.add_argument(
        "--only", default="p1,p2,p4,p5", help="Comma-separated: p1, p2 (with P3, P6), p4, p5."
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="Folder for latest.json and latest.png.")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    results = run_all(sizes, set(args.only.split(",")))
    rows = verdicts(results)
    print_table(rows)
    print(f"results: {write(results, rows, args.out)} (and latest.png), {results['seconds']} s")


if __name__ == "__main__":
    main()
