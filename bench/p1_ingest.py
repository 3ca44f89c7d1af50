"""P1: signed Lever webhooks verified, committed and enqueued per second by `hirebridge serve`, 64
concurrent senders; side by side with (a) the same ASGI stack doing nothing and (b) the same inserts
through the same group commit with no HTTP (and, for context, one transaction per event). The
senders run in one process of 64 connections on the same two cores as the service: the references
share that handicap."""

from __future__ import annotations

import json
from typing import Any

from bench.stack import Stack, python, signature_tokens, wait_http
from bench.stats import Verdict, ratio
from hirebridge.demo.processes import free_port

SENDER_PROCESSES = 1
CONCURRENCY = 64


def drive(url: str, token: str, seconds: float) -> dict[str, Any]:
    senders = [
        python(
            "bench.sender", url, token, "--concurrency", str(CONCURRENCY // SENDER_PROCESSES),
            "--seconds", str(seconds),
        )
        for _ in range(SENDER_PROCESSES)
    ]  # fmt: skip
    parts = [json.loads(s.communicate(timeout=seconds + 60)[0]) for s in senders]
    return _merge(parts)


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Rates add up; latency percentiles of the halves are combined by their worst (conservative)."""
    merged: dict[str, Any] = {
        "ok": sum(p["ok"] for p in parts),
        "sent": sum(p.get("sent", p["ok"]) for p in parts),
        "per_second": round(sum(p["per_second"] for p in parts), 1),
    }
    merged["latencies"] = {k: max(p["latencies"][k] for p in parts) for k in parts[0]["latencies"]}
    return merged


def _database_only(stack: Stack, mode: str, seconds: float) -> dict[str, Any]:
    loop = python(
        "bench.db_loop", stack.fresh(), "--mode", mode, "--concurrency", str(CONCURRENCY),
        "--seconds", str(seconds),
    )  # fmt: skip
    return dict(json.loads(loop.communicate(timeout=seconds + 120)[0]))


def run(stack: Stack, seconds: float) -> tuple[dict[str, Any], list[Verdict]]:
    database_url = stack.fresh()
    config = stack.config(workers=8)
    url, service = stack.serve(database_url, config, workers=False)
    token = signature_tokens(database_url)["candidateStageChange"]
    try:
        drive(f"{url}/webhooks/lever/main", token, 2)  # warm-up
        ingest = drive(f"{url}/webhooks/lever/main", token, seconds)
    finally:
        stack.stop(service)

    port = free_port()
    null = python("bench.null_app", str(port))
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        drive(f"http://127.0.0.1:{port}/webhooks/lever/main", token, 2)
        nothing = drive(f"http://127.0.0.1:{port}/webhooks/lever/main", token, seconds)
    finally:
        null.terminate()
        null.wait(timeout=10)

    database = _database_only(stack, "batched", seconds)
    per_event = _database_only(stack, "per-event", seconds)
    result = {
        "ingest": ingest,
        "reference_asgi_nothing": nothing,
        "reference_database_only": database,
        "database_one_transaction_per_event": per_event,
        "ratio_to_asgi": ratio(ingest["per_second"], nothing["per_second"]),
        "ratio_to_database": ratio(ingest["per_second"], database["per_second"]),
    }
    p99 = ingest["latencies"]["p99_ms"]
    verdict = Verdict(
        "P1 ingest",
        f"{ingest['per_second']:.0f}/s, p99 {p99:.0f} ms",
        f"ASGI nothing {nothing['per_second']:.0f}/s (×{result['ratio_to_asgi']}); "
        f"DB only {database['per_second']:.0f}/s (×{result['ratio_to_database']})",
        "≥ 3000/s, p99 ≤ 50 ms",
        ingest["per_second"] >= 3000 and p99 <= 50,
    )
    return result, [verdict]
