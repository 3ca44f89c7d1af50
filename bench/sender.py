"""The load generator: signed Lever webhooks from concurrent senders for a fixed time; prints a JSON
summary (`python -m bench.sender URL TOKEN --concurrency 32 --seconds 10`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections import Counter

import httpx2

from bench.stats import latency_summary
from hirebridge.domain.signature import lever_signature

EVENT = "candidateStageChange"


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
) -> dict:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    deadline = time.monotonic() + seconds
    async with httpx2.AsyncClient(limits=limits, timeout=30) as client:

        async def sender(index: int) -> None:
            n = 0
            while time.monotonic() < deadline:
                body = webhook(signature_token, f"bench-opp-{(index * 7919 + n) % subjects}")
                started = time.perf_counter()
                answer = await client.post(url, content=body, headers={"Content-Type": "application/json"})
                latencies.append(time.perf_counter() - started)
                statuses[answer.status_code] += 1
                n += 1

        started = time.monotonic()
        await asyncio.gather(*(sender(i) for i in range(concurrency)))
        elapsed = time.monotonic() - started
    ok = statuses.get(200, 0)
    return {
        "sent": sum(statuses.values()),
        "ok": ok,
        "statuses": {str(k): v for k, v in statuses.items()},
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
    summary = asyncio.run(
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
