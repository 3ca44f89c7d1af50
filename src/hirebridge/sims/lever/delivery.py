"""Webhook delivery: signed envelopes sent in the background, retried, recorded, and faulted on demand."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import hmac
import json
import math
import random
import secrets
from collections import deque
from collections.abc import Coroutine, Iterable
from typing import Any

from hirebridge.sims.lever.clock import Clock
from hirebridge.sims.lever.faults import Faults
from hirebridge.sims.lever.pipeline import Event
from hirebridge.sims.lever.sender import WebhookSender
from hirebridge.sims.lever.store import Record, new_id

HEADERS = {"User-Agent": "Lever-Webhooks", "Content-Type": "application/json"}
CONDITIONAL = ("applicationCreated", "candidateArchiveChange", "candidateHired", "candidateStageChange")
KEEP = 10_000


@dataclasses.dataclass
class Settings:
    webhook_retry_base_seconds: float = 1.0
    webhook_retries: int = 5
    webhook_timeout_seconds: float = 10.0
    webhook_reorder_window_ms: float = 100.0
    # Deliveries in flight to one receiver. Lever documents neither its dispatcher's concurrency nor
    # any ordering; 1 sends each event after the previous one was answered, in event order.
    webhook_concurrency: int = 1


def sign(signature_token: str, token: str, triggered_at: int) -> str:
    return hmac.new(signature_token.encode(), f"{token}{triggered_at}".encode(), hashlib.sha256).hexdigest()


@dataclasses.dataclass
class Delivery:
    webhook: Record
    body: Record
    id: str = dataclasses.field(default_factory=new_id)
    state: str = "pending"
    attempts: list[Record] = dataclasses.field(default_factory=list)
    due: float = 0.0
    origin: Record = dataclasses.field(default_factory=dict)

    def as_dict(self) -> Record:
        return {
            "id": self.id,
            "webhookId": self.webhook["id"],
            "url": self.webhook["url"],
            "event": self.body["event"],
            "body": self.body,
            "attempts": self.attempts,
            "state": self.state,
            **self.origin,
        }


@dataclasses.dataclass
class Lane:
    queue: deque[Delivery]
    wake: asyncio.Event
    task: asyncio.Task[None] | None = None
    in_flight: set[asyncio.Task[None]] = dataclasses.field(default_factory=set)


class Deliveries:
    def __init__(self, settings: Settings, faults: Faults, clock: Clock, rng: random.Random) -> None:
        self.settings, self.faults, self.clock, self.rng = settings, faults, clock, rng
        self.records: dict[str, Delivery] = {}
        self._pending = 0
        self._finished: deque[str] = deque()
        self._lanes: dict[str, Lane] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sender = WebhookSender()
        self._settled: asyncio.Event | None = None

    def envelope(self, webhook: Record, event: str, data: Record) -> Record:
        triggered_at, token = self.clock.now(), secrets.token_hex(24)
        signature = sign(webhook["configuration"]["signatureToken"], token, triggered_at)
        return {
            "id": new_id(),
            "event": event,
            "triggeredAt": triggered_at,
            "token": token,
            "data": data,
            "signature": signature,
        }

    def emit(self, webhooks: Iterable[Record], events: Iterable[Event]) -> None:
        hooks = list(webhooks)
        for event in events:
            for hook in hooks:
                if hook["event"] == event.name and _origin_allowed(hook, event):
                    self._fan_out(Delivery(hook, self.envelope(hook, event.name, event.data)))

    def _fan_out(self, delivery: Delivery) -> None:
        self._record(delivery)
        if self.rng.random() < self.faults.webhook_drop:
            self._finish(delivery, "dropped")
            return
        self._enqueue(delivery)
        extra = self.faults.webhook_duplicate
        copies = math.floor(extra) + (1 if self.rng.random() < extra - math.floor(extra) else 0)
        for _ in range(copies):
            self._enqueue(
                self._record(Delivery(delivery.webhook, delivery.body, origin={"duplicateOf": delivery.id}))
            )

    def redeliver(self, delivery_id: str) -> Delivery:
        original = self.records[delivery_id]
        return self._enqueue(
            self._record(Delivery(original.webhook, original.body, origin={"redeliveryOf": original.id}))
        )

    async def test(self, webhook: Record) -> Delivery:
        delivery = self._record(
            Delivery(webhook, self.envelope(webhook, webhook["event"], {}), origin={"test": True})
        )
        if not await self._attempt(delivery):
            self._finish(delivery, "failed")
        return delivery

    def pending(self) -> int:
        return self._pending

    async def idle(self, seconds: float) -> int:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while self.pending():
                    self._settled = asyncio.Event()
                    await self._settled.wait()
        return self.pending()

    def _finish(self, delivery: Delivery, state: str) -> None:
        if delivery.state == "pending":
            self._pending -= 1
            self._finished.append(delivery.id)
        delivery.state = state
        if self._settled is not None:
            self._settled.set()

    def clear(self) -> None:
        lanes = self._lanes.values()
        for task in [*self._tasks, *(t for lane in lanes for t in (lane.task, *lane.in_flight) if t)]:
            if not task.get_loop().is_closed():
                task.cancel()
        self._tasks.clear()
        self._lanes.clear()
        self.records.clear()
        self._pending = 0
        self._finished.clear()
        if self._settled is not None:
            self._settled.set()

    async def aclose(self) -> None:
        self.clear()
        await self._sender.aclose()

    def _record(self, delivery: Delivery) -> Delivery:
        """Kept until KEEP newer ones finished; a pending delivery is always kept. The count of pending
        ones and the order of finished ones are kept as they change: a storm of tens of thousands
        made scanning the records for either the simulator's main cost."""
        self.records[delivery.id] = delivery
        if delivery.state == "pending":
            self._pending += 1
        while len(self.records) > KEEP and self._finished:
            self.records.pop(self._finished.popleft(), None)
        return delivery

    def _enqueue(self, delivery: Delivery) -> Delivery:
        loop = asyncio.get_running_loop()
        delivery.due = loop.time() + self.faults.webhook_delay_ms / 1000
        # One lane per receiver URL: its deliveries go out in event order, and a slow receiver only
        # holds up its own lane.
        url = delivery.webhook["url"]
        lane = self._lanes.get(url)
        if lane is None or lane.task is None or lane.task.done() or lane.task.get_loop() is not loop:
            lane = Lane(lane.queue if lane else deque(), asyncio.Event())
            lane.task = loop.create_task(self._run(lane))
            self._lanes[url] = lane
        lane.queue.append(delivery)
        lane.wake.set()
        return delivery

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, lane: Lane) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not lane.queue:
                lane.wake.clear()
                await lane.wake.wait()
                continue
            if self.faults.webhook_reorder:
                await asyncio.sleep(self.settings.webhook_reorder_window_ms / 1000)
                batch = _shuffled(list(lane.queue), self.rng)
                lane.queue.clear()
            else:
                batch = [lane.queue.popleft()]
            for delivery in batch:
                if delivery.due > loop.time():
                    await asyncio.sleep(delivery.due - loop.time())
                while len(lane.in_flight) >= max(1, self.settings.webhook_concurrency):
                    await asyncio.wait(lane.in_flight, return_when=asyncio.FIRST_COMPLETED)
                if delivery.state == "pending":
                    sending = loop.create_task(self._first_attempt(delivery))
                    lane.in_flight.add(sending)
                    sending.add_done_callback(lane.in_flight.discard)

    async def _first_attempt(self, delivery: Delivery) -> None:
        if not await self._attempt(delivery):
            self._spawn(self._retry(delivery))

    async def _retry(self, delivery: Delivery) -> None:
        for n in range(self.settings.webhook_retries):
            await asyncio.sleep(self.settings.webhook_retry_base_seconds * 2**n)
            if await self._attempt(delivery):
                return
        self._finish(delivery, "failed")

    async def _attempt(self, delivery: Delivery) -> bool:
        attempt: Record = {"at": self.clock.now()}
        delivery.attempts.append(attempt)
        body = json.dumps(delivery.body).encode()
        try:
            async with asyncio.timeout(self.settings.webhook_timeout_seconds):
                status = await self._sender.post(delivery.webhook["url"], body, HEADERS)
        except Exception as exc:
            attempt["error"] = f"{type(exc).__name__}: {exc}"
            return False
        attempt["status"] = status
        # Lever counts only 2xx as received; a redirect is a failure.
        if 200 <= status < 300:
            self._finish(delivery, "delivered")
            return True
        return False


def _origin_allowed(hook: Record, event: Event) -> bool:
    origins = hook.get("configuration", {}).get("conditions", {}).get("origins")
    return not origins or event.name not in CONDITIONAL or event.origin is None or event.origin in origins


def _shuffled(batch: list[Delivery], rng: random.Random) -> list[Delivery]:
    shuffled = batch[:]
    rng.shuffle(shuffled)
    if len(batch) > 1 and shuffled == batch:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled
