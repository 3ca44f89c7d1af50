"""Registering the Lever webhooks at start-up, retried until done: Lever may be down, or an OAuth
connection not connected yet. A connection an operator disconnected is left alone; `wake` (the OAuth
callback) makes the next attempt happen now instead of after the pause."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from hirebridge.connectors.errors import NotConnected
from hirebridge.errors import loggable
from hirebridge.runtime.connections import disconnected
from hirebridge.runtime.service import Service
from hirebridge.runtime.signature_tokens import SignatureTokens
from hirebridge.runtime.webhooks import WebhookPass, repair_lever_webhooks

log = structlog.get_logger(__name__)
RETRY_SECONDS = 15.0


class WebhookRegistration:
    def __init__(self, service: Service, tokens: SignatureTokens) -> None:
        self.service = service
        self.tokens = tokens
        self.done: set[str] = set()
        self.ready = False
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def register(self, connection: str) -> WebhookPass:
        done = await repair_lever_webhooks(self.service, connection)
        self.done.add(connection)
        self.tokens.forget()
        self._wakeup.set()  # so that a waiting loop sees it and readiness follows
        return done

    async def run(self) -> None:
        waiting: set[str] = set()  # not connected yet: said once, not every pass
        while True:
            wanted = {n for n, c in self.service.config.lever.items() if c.register_webhooks}
            pending = wanted - self.done - await disconnected(self.service.pool, "lever")
            for name in sorted(pending):
                try:
                    await self.register(name)
                except NotConnected:
                    if name not in waiting:
                        log.info("lever connection not connected yet; webhooks wait for it", connection=name)
                        waiting.add(name)
                except Exception as exc:
                    log.warning(
                        "lever webhook registration failed; will retry", connection=name, error=loggable(exc)
                    )
            self.ready = not (pending - self.done)
            if self.ready:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), RETRY_SECONDS)
            self._wakeup.clear()
