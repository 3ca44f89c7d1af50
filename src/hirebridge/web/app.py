"""The web application: webhook ingest, health, metrics; in `serve` it also runs the workers."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from collections.abc import AsyncIterator, Mapping

import httpx2
import psycopg
import structlog
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp

from hirebridge.config.models import Config
from hirebridge.errors import DatabaseError
from hirebridge.runtime import queue
from hirebridge.runtime.ingest import IngestWriter
from hirebridge.runtime.jira_events import JiraSecrets
from hirebridge.runtime.jira_webhooks import register_jira_webhooks
from hirebridge.runtime.process import database_problem, opened_service
from hirebridge.runtime.service import Service
from hirebridge.runtime.signature_tokens import SignatureTokens
from hirebridge.runtime.worker import SupervisedWorker
from hirebridge.web.bodies import BadBody, bad_body
from hirebridge.web.console import ROUTES as CONSOLE_ROUTES
from hirebridge.web.console import ConsoleContext, sign_in_verified
from hirebridge.web.console.access import public_routes
from hirebridge.web.console_oidc import OidcRoutes, OidcSignIn
from hirebridge.web.direct_routes import DirectRoutes
from hirebridge.web.failures import database_failure
from hirebridge.web.jira_ingest import receive_jira_webhook
from hirebridge.web.lever_ingest import receive_lever_webhook
from hirebridge.web.metrics import DATABASE, metrics
from hirebridge.web.oauth_callback import justworks_callback, lever_callback
from hirebridge.web.registration import WebhookRegistration
from hirebridge.web.review import ROUTES as REVIEW_ROUTES

log = structlog.get_logger(__name__)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    problem = await database_problem(state.pool)
    if problem is not None:
        return JSONResponse({"status": "unavailable", "database": problem}, status_code=503)
    worker: SupervisedWorker | None = getattr(state, "worker", None)
    if worker is not None and not worker.running:
        # Between the database coming back and the worker registering again: a moment.
        return JSONResponse({"status": "unavailable", "worker": "starting"}, status_code=503)
    webhooks = state.registration.ready and state.jira_webhooks_ready
    return JSONResponse({"status": "ready", "webhooks": webhooks})


async def _register_jira_webhooks(app: FastAPI, service: Service) -> None:
    await register_jira_webhooks(service.pool, service.jira, service.config)
    app.state.jira_webhooks_ready = True


def create_app(
    config: Config,
    *,
    database_url: str,
    run_workers: bool = True,
    transports: Mapping[str, httpx2.AsyncBaseTransport] | None = None,
) -> ASGIApp:
    """The service's ASGI application; the webhook routes bypass the middleware (web/direct_routes.py)."""
    # Console sign-in through the company's identity provider: its state cookie is sealed with the
    # instance's key (HIREBRIDGE_SECRET_KEY), so a missing key stops the start with that reason.
    settings = config.console.oidc if config.console.enabled else None
    oidc = OidcSignIn.from_env(settings) if settings is not None else None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with opened_service(
            config,
            database_url,
            max_size=config.service.workers + 8,
            wait_for_database=True,
            transports=transports,
        ) as service:
            pool = service.pool
            app.state.pool = pool
            app.state.config = config
            DATABASE.watch(config)
            app.state.service = service
            app.state.signature_tokens = SignatureTokens(pool)
            app.state.ingest = IngestWriter(pool)
            app.state.registration = WebhookRegistration(service, app.state.signature_tokens)
            app.state.jira_webhooks_ready = False
            if config.console.enabled:
                from hirebridge.runtime.console import Console

                app.state.console = Console(service)
                app.state.console_web = ConsoleContext.build(
                    pool,
                    config.console,
                    config.service.public_url,
                    oidc_provider=oidc.settings.display_name if oidc else None,
                )
            app.state.jira_secrets = JiraSecrets(
                pool,
                {
                    n: c.webhook_secret.get_secret_value() if c.webhook_secret else None
                    for n, c in config.jira.items()
                },
            )
            tasks = [
                asyncio.create_task(app.state.registration.run()),
                asyncio.create_task(_register_jira_webhooks(app, service)),
            ]
            if run_workers:
                app.state.worker = SupervisedWorker(
                    queue.app, pool, concurrency=config.service.workers, context={"service": service}
                )
                tasks.append(asyncio.create_task(app.state.worker.run()))
            # Everything built so far lives as long as the process: out of the collector's sight, a
            # full collection no longer walks it (each one stalled every request for ~70 ms, P1).
            gc.freeze()
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await app.state.ingest.aclose()
                if oidc is not None:
                    await oidc.aclose()

    app = FastAPI(
        title="hirebridge",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        exception_handlers={
            psycopg.Error: database_failure,
            DatabaseError: database_failure,
            BadBody: bad_body,
        },
    )
    app.add_route("/webhooks/lever/{connection}", receive_lever_webhook, methods=["POST"])
    app.add_route("/webhooks/jira/{connection}", receive_jira_webhook, methods=["POST"])
    app.add_route("/connections/lever/{connection}/callback", lever_callback, methods=["GET"])
    app.add_route("/connections/justworks/{connection}/callback", justworks_callback, methods=["GET"])
    app.add_route("/healthz", healthz, methods=["GET"])
    app.add_route("/readyz", readyz, methods=["GET"])
    app.add_route("/metrics", metrics, methods=["GET"])
    app.router.routes.extend(REVIEW_ROUTES)  # U9: the packet review page, reached by emailed links
    if config.console.enabled:
        if oidc is not None:
            hook = functools.partial(sign_in_verified, default_role=oidc.settings.default_role)
            public_url = config.service.public_url
            app.router.routes.extend(public_routes(OidcRoutes(oidc, hook, public_url=public_url).routes()))
        app.router.routes.extend(CONSOLE_ROUTES)  # sign-in first: web/console/access.py
    return DirectRoutes(
        app, {"/webhooks/lever": receive_lever_webhook, "/webhooks/jira": receive_jira_webhook}
    )
