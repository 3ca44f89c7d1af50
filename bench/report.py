"""The verdict table, the JSON file and the chart of one run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.stats import Verdict


def verdicts(results: dict[str, Any]) -> list[Verdict]:
    out = []
    if "p1" in results:
        p1 = results["p1"]
        ingest, p99 = p1["ingest"], p1["ingest"]["latencies"]["p99_ms"]
        out.append(
            Verdict(
                "P1 ingest, 64 senders",
                f"{ingest['per_second']:.0f}/s, p99 {p99:.0f} ms",
                f"ASGI doing nothing {p1['reference_asgi_nothing']['per_second']:.0f}/s "
                f"(ratio {p1['ratio_to_asgi']}); same inserts without HTTP "
                f"{p1['reference_database_only']['per_second']:.0f}/s (ratio {p1['ratio_to_database']})",
                "≥ 3000/s, p99 ≤ 50 ms",
                ingest["per_second"] >= 3000 and p99 <= 50,
            )
        )
    for key, name in (("p2", "P2 convergence"), ("p3", "P3 10× reordered webhooks")):
        if key not in results:
            continue
        run = results[key]
        refused = run.get("jira_refused", 0)
        creates = run["jira_creates"] - refused
        other = run["jira_calls"] - run["jira_creates"]
        measured = (
            f"{run['candidates']} candidates in {run['seconds']} s = {run['ratio_to_bound']}× bound; "
            f"{creates / max(1, run['epics']):.2f} creates/epic + {other} other Jira call(s)"
            + (f", {refused} refused (429) and resent" if refused else "")
        )
        if run.get("bound_by") == "lever":
            reference = f"bound {run['bound_seconds']} s ({run['candidates']} Lever reads ÷ 10/s)"
        else:
            reference = f"bound {run['bound_seconds']} s ({run['candidates']} creates ÷ {run['jira_rps']}/s)"
        met = run["ratio_to_bound"] <= 1.10 and run["duplicates"] == 0 and run["missing"] == 0
        target = "≤ 1.10× bound; 1 create/epic, field catalog read once"
        if key == "p3":
            extra = results["p3_extra_calls_pct"]
            measured = (
                f"{run['candidates']} candidates, {run['seconds']} s; {run['duplicates']} duplicates; "
                f"{extra:+.1f} % external calls per candidate vs P2"
            )
            p2 = results["p2"]
            per = (p2["jira_calls"] + p2["lever_calls_by_hirebridge"]) / p2["candidates"]
            reference = f"P2: {per:.2f} external calls per candidate"
            target = "0 duplicates, ≤ +2 % calls"
            met = run["duplicates"] == 0 and run["missing"] == 0 and extra <= 2.0
        else:
            met = met and creates == run["epics"] and other <= 1
        out.append(Verdict(name, measured, reference, target, met))
    if "p4" in results:
        p4 = results["p4"]
        out.append(
            Verdict(
                "P4 1 → 4 workers, Jira 200 ms",
                f"{p4['four']['per_second']}/s = {p4['speed_up']}×",
                f"1 worker {p4['one']['per_second']}/s",
                "≥ 3.5×",
                p4["speed_up"] >= 3.5,
            )
        )
    if "p5" in results:
        p5 = results["p5"]["latencies"]
        out.append(
            Verdict(
                "P5 webhook → epic at 50/s",
                f"p50 {p5['p50_ms']:.0f} ms, p99 {p5['p99_ms']:.0f} ms",
                f"Jira latency {results['p5']['jira_latency_ms']} ms",
                "p50 ≤ 150 ms, p99 ≤ 1 s",
                p5["p50_ms"] <= 150 and p5["p99_ms"] <= 1000,
            )
        )
    if "queue" in results:
        queue = results["queue"]
        ours, theirs = queue["with_index"], queue["procrastinate_only"]
        sizes = " → ".join(f"{r['backlog']:,}" for r in ours)
        out.append(
            Verdict(
                "Q1 job fetch vs backlog",
                f"p50 {' → '.join(str(r['fetch']['p50_ms']) for r in ours)} ms ({sizes} waiting; "
                f"{queue['with_index_growth_p50']}×)",
                f"procrastinate's indexes alone: p50 {' → '.join(str(r['fetch']['p50_ms']) for r in theirs)} "
                f"ms ({queue['procrastinate_only_growth_p50']}×)",
                "largest backlog ≤ 1.5× the smallest",
                queue["with_index_growth_p50"] <= 1.5,
            )
        )
    if "console" in results:
        pages = results["console"]
        reads = ("search_last_name", "search_id_prefix", "search_id", "timeline")
        worst = max(pages[k]["p99_ms"] for k in reads)
        out.append(
            Verdict(
                "C1 console search, timeline",
                "p50/p99 ms: "
                + ", ".join(f"{k} {pages[k]['p50_ms']}/{pages[k]['p99_ms']}" for k in reads)
                + f" ({pages['subjects']:,} subjects)",
                "—",
                "p99 ≤ 50 ms each",
                worst <= 50,
            )
        )
        served = pages.get("pages")
        if served:
            slowest = max(v["p99_ms"] for v in served.values())
            out.append(
                Verdict(
                    "C2 console pages as served",
                    "p50/p99 ms: " + ", ".join(f"{k} {v['p50_ms']}/{v['p99_ms']}" for k, v in served.items()),
                    "C1's reads",
                    "p99 ≤ 100 ms each",
                    slowest <= 100,
                )
            )
    if "p7" in results:
        p7 = results["p7"]
        out.append(
            Verdict(
                "P7 first start (backfill)",
                f"{p7['opportunities']:,} opportunities in {p7['seconds']} s "
                f"= {p7['ratio_to_bound']}× bound; "
                f"{p7['lever_calls']:,} Lever calls ({p7['lever_calls_per_opportunity']} per opportunity), "
                f"{p7['lever_429']} × 429, {p7['epics']}/{p7['signed']} epics",
                f"bound {p7['bound_seconds']} s (list pages + offers at Offer + notes ÷ 10/s)",
                "≤ 1.25× bound",
                p7["ratio_to_bound"] <= 1.25 and p7["epics"] == p7["signed"],
            )
        )
    if "p8" in results:
        p8 = results["p8"]
        out.append(
            Verdict(
                "P8 repair after an outage",
                f"{p8['moved']:,} moved while down, converged in {p8['seconds']} s = {p8['ratio_to_bound']}× "
                f"bound; {p8['lever_calls']:,} Lever calls, {p8['lever_429']} × 429",
                f"bound {p8['bound_seconds']} s (list pages + an offers read and a note each ÷ 10/s)",
                "≤ 1.25× bound",
                p8["ratio_to_bound"] <= 1.25 and p8["epics"] == p8["expected_epics"],
            )
        )
    if "p9" in results:
        p9 = results["p9"]
        out.append(
            Verdict(
                "P9 idle service",
                f"{p9['budget_used_pct']} % of the Lever budget ({p9['lever_calls']} calls in "
                f"{p9['idle_seconds']:.0f} s), {p9['lever_429']} × 429",
                f"{p9['opportunities']:,} candidates, {p9['at_offer']} at Offer",
                "≤ 5 %, 0 × 429",
                p9["budget_used_pct"] <= 5 and p9["lever_429"] == 0,
            )
        )
    if "p10" in results:
        p10 = results["p10"]
        out.append(
            Verdict(
                "P10 serve + 3 workers + sweep --full",
                f"{p10['lever_429']} × 429; {p10['lever_calls']:,} Lever calls at {p10['lever_rps']}/s over "
                f"{p10['seconds']} s",
                "Lever's limit: 10/s, burst 20",
                "0 × 429",
                p10["lever_429"] == 0,
            )
        )
    if "p2" in results:
        rss = max(results["p2"]["peak_rss_mb"], results.get("p3", {}).get("peak_rss_mb", 0))
        out.append(
            Verdict("P6 service memory", f"peak RSS {rss} MB", "during P2 and P3", "≤ 200 MB", rss <= 200)
        )
    return out


def print_table(rows: list[Verdict], console: Console | None = None) -> None:
    table = Table("figure", "measured", "reference (same run)", "target", "")
    for row in rows:
        table.add_row(
            row.figure,
            row.measured,
            row.reference,
            row.target,
            "[green]met[/]" if row.met else "[red]not met[/]",
        )
    (console or Console(width=200)).print(table)


def write(results: dict[str, Any], rows: list[Verdict], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "latest.json"
    path.write_text(json.dumps(results | {"verdicts": [r.as_dict() for r in rows]}, indent=2) + "\n")
    _chart(results, folder / "latest.png")
    return path


def _chart(results: dict[str, Any], path: Path) -> None:
    """Each figure beside its reference, as the ratio the target is about."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 5, figsize=(20, 4))
    if "p1" in results:
        p1 = results["p1"]
        values = [p1["ingest"]["per_second"], p1["reference_asgi_nothing"]["per_second"],
                  p1["reference_database_only"]["per_second"]]  # fmt: skip
        axes[0].bar(["hirebridge", "ASGI\nnothing", "inserts\nno HTTP"], values, color=["C0", "C7", "C7"])
        axes[0].axhline(3000, color="C3", linestyle="--", label="target")
        axes[0].set_title("P1 webhooks/s (64 senders)")
        axes[0].legend()
    if "p2" in results:
        labels, values = ["bound"], [results["p2"]["bound_seconds"]]
        for key in ("p2", "p3"):
            if key in results:
                labels.append(key.upper())
                values.append(results[key]["seconds"])
        axes[1].bar(labels, values, color=["C7", "C0", "C1"][: len(values)])
        axes[1].axhline(results["p2"]["bound_seconds"] * 1.1, color="C3", linestyle="--", label="1.10× bound")
        axes[1].set_title(f"P2/P3 seconds to sync {results['p2']['candidates']}")
        axes[1].legend()
    if "p4" in results:
        p4 = results["p4"]
        axes[2].bar(["1 worker", "4 workers"], [p4["one"]["per_second"], p4["four"]["per_second"]])
        axes[2].axhline(p4["one"]["per_second"] * 3.5, color="C3", linestyle="--", label="3.5×")
        axes[2].set_title("P4 epics/s, Jira 200 ms")
        axes[2].legend()
    if "p5" in results:
        lat = results["p5"]["latencies"]
        axes[3].bar(["Jira", "p50", "p90", "p99"], [results["p5"]["jira_latency_ms"], lat["p50_ms"],
                    lat["p90_ms"], lat["p99_ms"]], color=["C7", "C0", "C0", "C0"])  # fmt: skip
        axes[3].set_title("P5 webhook → epic ms at 50/s")
    if "queue" in results:
        queue = results["queue"]
        for key, label, color in (
            ("procrastinate_only", "procrastinate alone", "C7"),
            ("with_index", "hirebridge", "C0"),
        ):
            runs = queue[key]
            axes[4].plot(
                [r["backlog"] for r in runs],
                [r["fetch"]["p50_ms"] for r in runs],
                "o-",
                color=color,
                label=label,
            )
        axes[4].set_xscale("log")
        axes[4].set_ylim(bottom=0)
        axes[4].set_title("Q1 job fetch p50 ms vs jobs waiting")
        axes[4].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
