"""The service's application in-process (no workers) with the Lever simulator in-process, and
signed-in clients for the console tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from fastapi import FastAPI

from hirebridge.runtime.configuration import load_config
from hirebridge.sims.lever import create_app as lever_app
from hirebridge.store import console_accounts
from hirebridge.web.app import create_app

CONFIG = """
version: 1
service: {{public_url: "{public_url}", workers: 2}}
lever:
  main: {{base_url: http://lever, api_key: sim-lever-key, register_webhooks: false}}
console:
  lockout_failures: 3
  lockout_address_failures: 6
  lockout_seconds: 60
  # OWASP's floor for argon2id: a sign-in costs a tenth of the default's time.
  password_memory_kib: 19456
  password_time_cost: 2
  password_parallelism: 1
{extra_console}recipes:
  - name: onsite
    when: {{stage_reached: Onsite}}
    actions:
      - id: note
        lever_note: {{text: "Onsite"}}
"""
PASSWORD = "correct horse battery staple"
ORIGIN = "http://testserver"


@dataclass
class Running:
    app: Any  # the ASGI application create_app returns
    inner: FastAPI  # the FastAPI application behind it (routes, state)
    database_url: str
    origin: str = ORIGIN
    clients: list[httpx2.AsyncClient] = field(default_factory=list)
    lever: httpx2.AsyncBaseTransport | None = None  # the Lever simulator the service calls

    def client(self) -> httpx2.AsyncClient:
        """A browser of its own (cookie jar), closed with the application."""
        client = httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=self.app), base_url=self.origin, follow_redirects=False
        )
        self.clients.append(client)
        return client

    async def add(self, email: str, role: str, password: str | None = PASSWORD) -> None:
        hashed = self.inner.state.console_web.passwords.hash(password) if password else None
        await console_accounts.add(self.inner.state.pool, email, role, hashed)


@asynccontextmanager
async def running_console(
    database_url: str, tmp_path: Path, *, public_url: str = "http://testserver", extra_console: str = ""
) -> AsyncIterator[Running]:
    """`extra_console`: more lines of the `console:` section, indented by two spaces."""
    path = tmp_path / "hirebridge.yaml"
    path.write_text(CONFIG.format(public_url=public_url, extra_console=extra_console))
    transports = {"lever:main": httpx2.ASGITransport(app=lever_app())}
    app = create_app(load_config(path), database_url=database_url, run_workers=False, transports=transports)
    inner: FastAPI = app.app  # type: ignore[attr-defined]
    async with inner.router.lifespan_context(inner):
        running = Running(app, inner, database_url, public_url, lever=transports["lever:main"])
        try:
            yield running
        finally:
            for client in running.clients:
                await client.aclose()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def sign_in(client: httpx2.AsyncClient, email: str, password: str = PASSWORD) -> httpx2.Response:
    page = await client.get("/console/sign-in")
    return await client.post(
        "/console/sign-in",
        data={"csrf": csrf_of(page.text), "email": email, "password": password, "next": "/console"},
        headers={"Origin": str(client.base_url).rstrip("/")},
    )


async def signed_in(running: Running, email: str, role: str) -> tuple[httpx2.AsyncClient, str]:
    """A client signed in as a new account of `role`, and its session's CSRF token."""
    await running.add(email, role)
    client = running.client()
    answer = await sign_in(client, email)
    assert answer.status_code == 303, answer.text
    page = await client.get("/console/subjects")
    return client, csrf_of(page.text)
