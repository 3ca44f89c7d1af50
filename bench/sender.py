"""The load generator: signed Lever webhooks from concurrent senders for a fixed time; prints a JSON
summary (`python -m bench.sender URL TOKEN --concurrency 32 --seconds 10`).

Each sender is one keep-alive HTTP/1.1 connection with one request in flight, as a webhook
dispatcher's worker would send, on uvloop with the lean client of bench/rawhttp.py."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import uvloop

from bench.rawhttp import Connection, request_bytes
from bench.stats import latency_summary
from hirebridge.domain.signature import lever_signature

EVENT = "candidateStageChange"


def opportunity_id(n: int) -> str:
    """Lever's ids are UUIDs (hirebridge refuses others): the same one for the same n."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-opp-{n}"))


def webhook(signature_token: str, opportunity: str) -> bytes:
    token, at = uuid.uuid4().hex, int(time.time() * 1000)
    return json.dumps(
        {
            "token": token,
            "triggeredAt": at,
            "event": EVENT,
            "signature": lever_signature(signature_token, token, at),
            "data": {"opportunityId": opportunity, "toStageId": "stage-b", "fromStageId": "stage-a"},
        }
    ).encode()


async def send_for(
    url: str, signature_token: str, *, concurrency: int, seconds: float, subjects: int
) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    deadline = time.monotonic() + seconds

    headers = {"User-Agent": "Lever-Webhooks", "Content-Type": "application/json"}

    async def sender(index: int) -> None:
        n = 0
        connection: Connection | None = None
        while time.monotonic() < deadline:
            if connection is None or connection.closed:
                connection = await Connection.open(host, port)
            body = webhook(signature_token, opportunity_id((index * 7919 + n) % subjects))
            started = time.perf_counter()
            try:
                status, _ = await connection.send(
                    request_bytes("POST", parts.netloc, parts.path, headers, body)
                )
            except ConnectionError as exc:
                errors[type(exc).__name__] += 1
                connection = None
                continue
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
            n += 1
        if connection is not None:
            connection.close()

    started = time.monotonic()
    await asyncio.gather(*(sender(i) for i in range(concurrency)))
    elapsed = time.monotonic() - started
    ok = statuses.get(200, 0)
    return {
        "sent": sum(statuses.values()),
        "ok": ok,
        "statuses": {str(k): v for k, v in statuses.items()},
        "errors": dict(errors),
        "seconds": elapsed,
        "per_second": ok / elapsed,
        "latencies": latency_summary(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("signature_token")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--subjects", type=int, default=5000)
    args = parser.parse_args()
    summary = uvloop.run(
        send_for(
            args.url,
            args.signature_token,
            concurrency=args.concurrency,
            seconds=args.seconds,
            subjects=args.subjects,
        )
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
